/**
 * `symbols.top` on the simulated exchange: TopSymbols ranks the sim's tickers too, but the sim
 * lists only the symbols it was created with (the static set), so the tracked set never changes
 * — refreshes succeed, nothing joins or leaves, and every static symbol keeps being scored.
 */
import { expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Logger, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { appLayer } from "../../../core/main.ts"
import { MarketData } from "../../../core/market/index.ts"
import { Metrics } from "../../../core/metrics/index.ts"

test("sim with symbols.top: refreshes run, the set stays the static list, all of it scored", async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-sim-top-"))
  const config = parseConfig({
    exchange: { plugin: "sim", speed: 50, pollMs: 100 },
    symbols: { static: ["BTC/USDT", "ETH/USDT", "SOL/USDT"], top: 20, refreshMs: 1000 },
    http: { enabled: false },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
    log: { level: "info" },
  })
  const logs: Array<string> = []
  const capture = Logger.make(({ message }) => {
    logs.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  })
  const scope = Effect.runSync(Scope.make())
  try {
    const layer = appLayer(config, [capture]) as unknown as Layer.Layer<never, unknown, never>
    const context = (await Effect.runPromise(Layer.buildWithScope(layer, scope))) as Context.Context<unknown>
    const market = Context.get(context as Context.Context<MarketData>, MarketData)
    const analysis = Context.get(context as Context.Context<Analysis>, Analysis)
    const metrics = Context.get(context as Context.Context<Metrics>, Metrics)
    await Effect.runPromise(analysis.awaitScores)
    // two refreshes: the one at start and one a refresh interval later
    const started = performance.now()
    let text = ""
    while (performance.now() - started < 10_000) {
      text = await Effect.runPromise(metrics.render)
      if (/^virtuoso_market_top_symbols_refreshes_total [2-9]$/m.test(text)) break
      await Bun.sleep(100)
    }
    expect(text).toMatch(/^virtuoso_market_top_symbols_refreshes_total [2-9]$/m)
    expect(text).toMatch(/^virtuoso_market_top_symbols_refresh_failures_total 0$/m)
    expect(text).toMatch(/^virtuoso_market_tracked_symbols 3$/m)
    expect(await Effect.runPromise(market.symbols)).toEqual(["BTC/USDT", "ETH/USDT", "SOL/USDT"])
    expect((await Effect.runPromise(analysis.latest)).map((c) => c.symbol).sort()).toEqual(["BTC/USDT", "ETH/USDT", "SOL/USDT"])
    expect(logs.filter((l) => l.startsWith("top symbols:") || l.includes("joined") || l.includes(" left"))).toEqual([])
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}, 30_000)
