/**
 * A compressed storm of mixed faults (virtual time) against real ccxt through the exchange path
 * this folder provides — ExchangeGuard (retry, per-endpoint breakers, bulkhead, shared rate
 * budget) + ResilientCache + HealthRegistry — polling 2 symbols × 3 endpoints. It must keep
 * serving (stale where needed), never crash or leak a rejection, and end healthy and fresh.
 */
import { expect, test } from "bun:test"
import ccxt from "ccxt"
import { Clock, Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  circuitBreakersCheck,
  type HealthChange,
  HealthRegistry,
  makeStalenessMonitor,
} from "../../../core/health/index.ts"
import {
  type Cached,
  type CircuitChange,
  CircuitBreakers,
  makeExchangeGuard,
  makeResilientCache,
} from "../../../core/resilience/index.ts"
import { advance, drive, type FaultRule, faultyExchangeForFile } from "../../support/faulty-exchange/index.ts"

const env = faultyExchangeForFile()

/** Storm phases, 5 polling rounds each. */
const PHASES: ReadonlyArray<{ readonly name: string; readonly rules: ReadonlyArray<FaultRule> }> = [
  {
    name: "429 with Retry-After",
    rules: [{ fault: { kind: "status", status: 429, retryAfterSec: 2 }, path: "/api/v3/ticker", times: 3 }],
  },
  { name: "5xx", rules: [500, 502, 503].map((status) => ({ fault: { kind: "status", status } as const, times: 4 })) },
  { name: "connection resets", rules: [{ fault: { kind: "reset" }, times: 12 }] },
  {
    name: "malformed and empty",
    rules: [
      { fault: { kind: "malformed" }, times: 6 },
      { fault: { kind: "empty" }, times: 6 },
    ],
  },
  {
    name: "slow past the timeout",
    rules: [{ fault: { kind: "slow", delayMs: 600_000 }, path: "/api/v3/depth", times: 2 }],
  },
  { name: "exchange down", rules: [{ fault: { kind: "status", status: 503 } }] },
  { name: "418 ban", rules: [{ fault: { kind: "status", status: 418, retryAfterSec: 5 }, times: 1 }] },
]

test("storm of mixed faults: keeps serving, ends healthy with fresh data", async () => {
  const changes: Array<HealthChange> = []
  const served = { fresh: 0, stale: 0, failed: 0 }
  const circuits: Array<CircuitChange> = []
  await Effect.runPromise(
    Effect.gen(function* () {
      const health = yield* HealthRegistry
      const breakers = yield* CircuitBreakers
      const clock = yield* Clock.Clock
      const ex = new ccxt.binance({
        enableRateLimit: false,
        timeout: 600_000,
        markets: env.fx.markets as never,
        urls: { api: env.fx.ccxtUrls } as never,
      })
      const guard = makeExchangeGuard(breakers, {
        exchange: "binance",
        headers: () => ex.last_response_headers as never,
        rate: { capacity: 20, refillPerSecond: 10 },
      })
      const cache = makeResilientCache<string, unknown>({ name: "binance", ttlMs: 500, maxEntries: 100 })
      const streams = makeStalenessMonitor({ thresholdMs: 120_000 })
      yield* health.register("circuits", circuitBreakersCheck(breakers.snapshot))
      yield* health.register("market-data", streams.check)

      const nonEmpty = (rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
        rows.length === 0 ? "no candles" : rows.some((r) => r[4] == null) ? "candle without close" : undefined
      const jobs = ["BTC/USDT", "ETH/USDT"].flatMap((symbol) => [
        { key: `${symbol}:ticker`, load: guard.call("fetchTicker", () => ex.fetchTicker(symbol)) },
        { key: `${symbol}:book`, load: guard.call("fetchOrderBook", () => ex.fetchOrderBook(symbol, 2)) },
        {
          key: `${symbol}:ohlcv`,
          load: guard.call("fetchOHLCV", () => ex.fetchOHLCV(symbol, "1h", undefined, 3), { validate: nonEmpty }),
        },
      ])
      const round = Effect.forEach(
        jobs,
        (job) =>
          cache.get(job.key, job.load as Effect.Effect<unknown, unknown>).pipe(
            Effect.tap((c: Cached<unknown>) =>
              Effect.sync(() => {
                if (c.stale) served.stale++
                else {
                  served.fresh++
                  streams.touch(job.key, clock.currentTimeMillisUnsafe())
                }
              }),
            ),
            Effect.exit,
          ),
        { concurrency: "unbounded" },
      )
      const pollRound = Effect.gen(function* () {
        const exit = yield* drive(yield* Effect.forkChild(round), { stepMs: 100 })
        if (Exit.isFailure(exit)) return yield* Effect.die(new Error("a polling round crashed"))
        for (const e of exit.value) if (Exit.isFailure(e)) served.failed++
        return exit.value
      })

      yield* pollRound // warm: every key has a good value
      expect((yield* health.report).status).toBe("healthy")
      for (const phase of PHASES) {
        env.fx.clear()
        for (const rule of phase.rules) env.fx.inject(rule)
        for (let i = 0; i < 5; i++) {
          yield* pollRound
          yield* advance(1000, 250)
        }
        const report = yield* health.report
        expect(["healthy", "degraded", "unhealthy"]).toContain(report.status)
      }
      const duringStorm = yield* health.report
      expect(duringStorm.status).not.toBe("healthy") // the exchange was down at the end
      env.fx.clear()
      // Recovery: poll every 5 s (virtual) for 3 minutes; breakers probe after 60 s and close.
      let last: ReadonlyArray<Exit.Exit<Cached<unknown>, unknown>> = []
      for (let i = 0; i < 36; i++) {
        yield* advance(5000, 1000)
        last = yield* pollRound
      }
      for (const e of last) expect(Exit.isSuccess(e) && e.value.stale).toBe(false)
      expect((yield* breakers.snapshot).every((b) => b.state === "closed")).toBe(true)
      const end = yield* health.report
      expect(end.reasons).toEqual([])
      expect(end.status).toBe("healthy")
      expect(cache.stats().stale).toBe(served.stale)
    }).pipe(
      Effect.provide(
        Layer.mergeAll(
          HealthRegistry.layerWith({ pollIntervalMs: 0, onChange: (c) => Effect.sync(() => void changes.push(c)) }),
          CircuitBreakers.layerWith({ onStateChange: (c) => Effect.sync(() => void circuits.push(c)) }),
        ),
      ),
      Effect.provide(TestClock.layer()),
    ),
  )
  expect(served.stale).toBeGreaterThan(0) // the cache carried calls through the storm
  expect(served.fresh).toBeGreaterThan(6)
  const overall = changes.filter((c) => c.component === "overall").map((c) => c.status)
  expect(overall[0]).toBe("healthy")
  expect(overall).toContain("degraded")
  expect(overall.at(-1)).toBe("healthy")
  // every breaker that opened went through half-open and closed again
  const opened = new Set(circuits.filter((c) => c.to === "open").map((c) => c.name))
  expect(opened.size).toBeGreaterThan(0)
  for (const name of opened) expect(circuits.filter((c) => c.name === name).at(-1)?.to).toBe("closed")
  expect(env.unhandled).toBe(0)
}, 120_000)
