/**
 * Boots the whole engine in-process (the same layer `bun run start` launches) on a random port,
 * checks it answers, scores every simulated symbol, exposes metrics, then interrupts it and
 * checks every finalizer ran and the port is closed.
 */
import { afterAll, expect, test } from "bun:test"
import { Context, Effect } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { HttpServer } from "../../../core/http/index.ts"
import { MarketData } from "../../../core/market/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../support/app.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-boot-"))
const { lines: logs, logger: capture } = captureLogs()

const config = parseConfig({
  http: { port: 0 },
  store: { path: join(dir, "virtuoso.db") },
  plugins: { watch: false },
  log: { level: "debug" },
  exchange: { speed: 5, pollMs: 100 },
})

let app: RunningApp | undefined
afterAll(() => app?.close())

test("the engine boots, scores every symbol within 5 s, " +
  "serves health and metrics, and shuts down cleanly", async () => {
  const started = performance.now()
  app = await startApp(config, [capture])
  const { url, port } = app.get(HttpServer)
  expect(port).toBeGreaterThan(0)

  const health = await fetch(new URL("/health", url))
  expect(health.status).toBe(200)

  // Scores appear as soon as backfill and the first analysis cycle are done.
  const symbols = config.symbols.static
  let items: Array<{ symbol: string; timeframe: string; score: number }> = []
  while (performance.now() - started < 5000) {
    const response = await fetch(new URL("/v1/confluence", url))
    items = ((await response.json()) as { items: typeof items }).items
    if (symbols.every((s) => items.some((i) => i.symbol === s && i.timeframe === "all"))) break
    await Bun.sleep(50)
  }
  for (const symbol of symbols) {
    const overall = items.find((i) => i.symbol === symbol && i.timeframe === "all")
    expect(overall).toBeDefined()
    expect(overall!.score).toBeGreaterThanOrEqual(0)
    expect(overall!.score).toBeLessThanOrEqual(100)
  }

  // Live polling goes on after backfill: new closed candles arrive and are published.
  const market = app.get(MarketData)
  const backfilled = Effect.runSync(market.stats).candlesAppended
  while (Effect.runSync(market.stats).candlesAppended <= backfilled) {
    expect(performance.now() - started).toBeLessThan(10_000)
    await Bun.sleep(50)
  }

  const one = await fetch(new URL("/v1/confluence/BTC-USDT", url))
  expect(one.status).toBe(200)
  expect((await fetch(new URL("/v1/confluence/NOPE-USDT", url))).status).toBe(404)
  expect((await fetch(new URL("/v1/confluence?timeframe=7m", url))).status).toBe(400)

  const metrics = await (await fetch(new URL("/metrics", url))).text()
  expect(metrics).toContain("# TYPE virtuoso_confluence_computations_total counter")
  expect(metrics).toMatch(/^virtuoso_confluence_computations_total\{timeframe="1m"\} [1-9]/m)
  for (const line of metrics.split("\n")) {
    if (line === "" || line.startsWith("#")) continue
    expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eEInfNa]+$/)
  }

  // Interrupt: every resource's finalizer runs, in reverse order of acquisition.
  await app.close()
  const finalizers = logs.filter((line) => line.startsWith("finalizer:"))
  for (const expected of [
    "http server closed",
    "analysis stopped",
    "market data poller stopped",
    "exchange sim closed",
    "resident candle memory released",
    "event bus drained",
    "event store flushed",
    "event store closed",
  ]) {
    expect(finalizers.some((line) => line.includes(expected))).toBe(true)
  }
  const order = (needle: string) => finalizers.findIndex((line) => line.includes(needle))
  expect(order("http server closed")).toBeLessThan(order("exchange sim closed"))
  // The bus drains before the store flushes, and the store flushes before its database closes.
  expect(order("event bus drained")).toBeLessThan(order("event store flushed"))
  expect(order("event store flushed")).toBeLessThan(order("event store closed"))
  await expect(fetch(new URL("/health", url))).rejects.toThrow()
}, 20_000)

test("feature flags switch whole parts off: no HTTP, no store, no analysis still runs market data", async () => {
  const flagged = parseConfig({
    http: { enabled: false },
    store: { enabled: false },
    analysis: { enabled: false },
    plugins: { watch: false },
    log: { level: "warn" },
  })
  const flaggedApp = await startApp(flagged)
  try {
    expect(Context.getOption(flaggedApp.context, HttpServer)._tag).toBe("None")
    expect(Context.getOption(flaggedApp.context, Analysis)._tag).toBe("None")
    const market = flaggedApp.get(MarketData)
    await Effect.runPromise(market.awaitReady)
    expect(Effect.runSync(market.stats).candlesAppended).toBeGreaterThan(0)
  } finally {
    await flaggedApp.close()
  }
}, 20_000)
