/**
 * `symbols.top` on the simulated exchange: TopSymbols ranks the sim's tickers too, but the sim
 * lists only the symbols it was created with (the static set), so the tracked set never changes
 * — refreshes succeed, nothing joins or leaves, and every static symbol keeps being scored.
 */
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { MarketData } from "../../../core/market/index.ts"
import { Metrics } from "../../../core/metrics/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../support/app.ts"
import { eventually } from "../../support/eventually.ts"

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
  const { lines: logs, logger: capture } = captureLogs()
  let app: RunningApp | undefined
  try {
    app = await startApp(config, [capture])
    const market = app.get(MarketData)
    const analysis = app.get(Analysis)
    const metrics = app.get(Metrics)
    await Effect.runPromise(analysis.awaitScores)
    // two refreshes: the one at start and one a refresh interval later
    const text = await eventually(
      "two top-symbol refreshes",
      () => Effect.runPromise(metrics.render),
      (t) => /^virtuoso_market_top_symbols_refreshes_total [2-9]$/m.test(t),
    )
    expect(text).toMatch(/^virtuoso_market_top_symbols_refreshes_total [2-9]$/m)
    expect(text).toMatch(/^virtuoso_market_top_symbols_refresh_failures_total 0$/m)
    expect(text).toMatch(/^virtuoso_market_tracked_symbols 3$/m)
    expect(await Effect.runPromise(market.symbols)).toEqual(["BTC/USDT", "ETH/USDT", "SOL/USDT"])
    expect((await Effect.runPromise(analysis.latest)).map((c) => c.symbol).sort()).toEqual([
      "BTC/USDT",
      "ETH/USDT",
      "SOL/USDT",
    ])
    expect(logs.filter((l) => l.startsWith("top symbols:") || l.includes("joined") || l.includes(" left"))).toEqual([])
  } finally {
    await app?.close()
  }
}, 30_000)
