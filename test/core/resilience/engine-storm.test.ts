/**
 * The whole engine (`appLayer`: ccxt binance plugin → MarketData → Analysis → HTTP, store, bus,
 * health) against the local faulty exchange through a 60-second storm of mixed faults, in
 * virtual time (TestClock; real sockets in between). It must stay live, then end healthy with
 * scores flowing again.
 */
import { afterAll, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { HealthRegistry } from "../../../core/health/index.ts"
import { HttpServer } from "../../../core/http/index.ts"
import { appLayer } from "../../../core/main.ts"
import { MarketData } from "../../../core/market/index.ts"
import { type Fault, type FaultyExchange, startFaultyExchange } from "../../support/faulty-exchange/index.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-storm-"))
let fx: FaultyExchange | undefined
const scope = Effect.runSync(Scope.make())
let unhandled = 0
const onUnhandled = () => void unhandled++
process.on("unhandledRejection", onUnhandled)
afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
  await fx?.stop()
  process.off("unhandledRejection", onUnhandled)
  rmSync(dir, { recursive: true, force: true })
})

/** One fault kind per 5 virtual seconds: 12 phases = the 60-second storm. */
const STORM: ReadonlyArray<Fault> = [
  { kind: "status", status: 429, retryAfterSec: 1 },
  { kind: "status", status: 500 },
  { kind: "reset" },
  { kind: "status", status: 502 },
  { kind: "malformed" },
  { kind: "status", status: 418, retryAfterSec: 2 },
  { kind: "empty" },
  { kind: "status", status: 503 },
  { kind: "slow", delayMs: 1500 },
  { kind: "reset" },
  { kind: "status", status: 429, retryAfterSec: 1 },
  { kind: "status", status: 503 },
]

test("the engine rides out a 60 s storm of mixed faults and ends healthy with scores flowing", async () => {
  // Server time runs 300x: a 1m candle closes every 200 ms of wall time, so scores keep changing.
  fx = startFaultyExchange({ synthetic: { timeScale: 300 } })
  const parsed = parseConfig({
    http: { port: 0 },
    store: { path: join(dir, "v.db") },
    plugins: { watch: false },
    log: { level: "error" },
    exchange: { plugin: "ccxt", id: "binance", urls: { api: fx.ccxtUrls }, pollMs: 1000 },
    symbols: { static: ["BTC/USDT", "ETH/USDT"], top: 0 },
    timeframes: { "1m": { weight: 1, candles: 100 } },
  })
  // ccxt plugin settings the global schema does not list (test-only: local markets, no throttle).
  const config = {
    ...parsed,
    exchange: {
      ...parsed.exchange,
      markets: fx.markets,
      enableRateLimit: false,
      websocket: false,
      timeouts: { ticker: 500, orderBook: 500, trades: 500, ohlcv: 1000, markets: 1000 },
    },
  } as typeof parsed

  // One TestClock for the whole engine: built first, provided to the app, adjusted by the test.
  const clockContext = await Effect.runPromise(Layer.buildWithScope(TestClock.layer(), scope))
  const appContext = await Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.now()) // the engine treats time 0 as "never"
      return yield* Layer.buildWithScope(appLayer(config), scope)
    }).pipe(Effect.provide(clockContext)),
  )
  const context = Context.merge(clockContext, appContext)
  const run = <A, E>(effect: Effect.Effect<A, E, any>) =>
    Effect.runPromise(Effect.provide(effect, context) as Effect.Effect<A, E>)
  const health = Context.get(context as unknown as Context.Context<HealthRegistry>, HealthRegistry)
  const analysis = Context.get(context as unknown as Context.Context<Analysis>, Analysis)
  const market = Context.get(context as unknown as Context.Context<MarketData>, MarketData)
  const { url } = Context.get(context as unknown as Context.Context<HttpServer>, HttpServer)

  /** Virtual time forward in 100 ms steps, one real event-loop turn between steps. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      await new Promise((resolve) => setTimeout(resolve, 1))
      await run(TestClock.adjust(100))
    }
  }

  // Backfill and first scores travel over real sockets: step until the engine says it is ready.
  for (let i = 0; i < 600 && !(await run(health.ready)).ready; i++) await advance(100)
  expect((await run(health.ready)).ready).toBe(true)
  await advance(2000)
  const before = await run(health.report)
  expect(before.status).toBe("healthy")

  let liveFailures = 0
  for (const fault of STORM) {
    fx.clear()
    fx.inject({ fault })
    for (let s = 0; s < 5; s++) {
      await advance(1000)
      const live = await fetch(new URL("/health/live", url))
      if (live.status !== 200) liveFailures++
    }
  }
  const stormStats = await run(market.stats)
  const stormReport = await run(health.report)
  expect(stormStats.errors).toBeGreaterThan(0)
  expect(stormReport.status).not.toBe("healthy")

  fx.clear()
  const atRecovery = await run(analysis.stats)
  // Recovery: open circuits wait out their 60 s, probe and close; the market check forgives
  // errors after its 60 s window. Step until healthy (bounded at 5 virtual minutes).
  let after = await run(health.report)
  for (let i = 0; i < 60 && after.status !== "healthy"; i++) {
    await advance(5000)
    after = await run(health.report)
  }
  expect(after.reasons).toEqual([])
  expect(after.status).toBe("healthy")
  // Healthy can come before the next candle closes on the server (its clock is real time, and a
  // loaded machine gives it little): keep stepping until a new one is scored, bounded in real time.
  let analysisAfter = await run(analysis.stats)
  const scoredBy = performance.now() + 30_000
  while (analysisAfter.computations <= atRecovery.computations && performance.now() < scoredBy) {
    await advance(1000)
    analysisAfter = await run(analysis.stats)
  }
  expect(analysisAfter.cycles).toBeGreaterThan(atRecovery.cycles)
  expect(analysisAfter.computations).toBeGreaterThan(atRecovery.computations) // new candles scored
  expect((await run(market.stats)).lastPollAgeMs).toBeLessThan(5000)
  const confluence = (await (await fetch(new URL("/v1/confluence", url))).json()) as {
    items: Array<{ symbol: string; timeframe: string; score: number }>
  }
  for (const symbol of ["BTC/USDT", "ETH/USDT"]) {
    const overall = confluence.items.find((i) => i.symbol === symbol && i.timeframe === "all")
    expect(overall?.score).toBeGreaterThanOrEqual(0)
  }
  expect(liveFailures).toBe(0)
  expect(unhandled).toBe(0)
}, 120_000)
