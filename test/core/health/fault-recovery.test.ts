/**
 * Health under a fault storm from the local faulty exchange (real ccxt): the registry reports
 * the open circuit and the stale stream with their reasons, and returns to healthy once the
 * faults stop and the breaker has closed again. Time is virtual (TestClock).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Clock, Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  circuitBreakersCheck,
  type HealthChange,
  healthHttpStatus,
  HealthRegistry,
  makeStalenessMonitor,
} from "../../../core/health/index.ts"
import { CircuitBreakers, makeExchangeGuard } from "../../../core/resilience/index.ts"
import { advance, drive, type FaultyExchange, startFaultyExchange } from "../../support/faulty-exchange/index.ts"

let fx: FaultyExchange
beforeAll(() => void (fx = startFaultyExchange()))
afterAll(() => fx.stop())

describe("health through a fault storm", () => {
  test("healthy → degraded (circuit open) → unhealthy (no data) → healthy after recovery", async () => {
    const changes: Array<HealthChange> = []
    await Effect.runPromise(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        const breakers = yield* CircuitBreakers
        const clock = yield* Clock.Clock
        const ex = new ccxt.binance({
          enableRateLimit: false,
          timeout: 600_000,
          markets: fx.markets as never,
          urls: { api: { public: fx.ccxtUrls.public } } as never,
        })
        const guard = makeExchangeGuard(breakers, {
          exchange: "binance",
          headers: () => ex.last_response_headers as never,
        })
        const streams = makeStalenessMonitor({ thresholdMs: 10_000 })
        yield* health.register("circuits", circuitBreakersCheck(breakers.snapshot))
        yield* health.register("market-data", streams.check)
        const poll = guard
          .call("fetchTicker", () => ex.fetchTicker("BTC/USDT"))
          .pipe(Effect.tap(() => Effect.sync(() => streams.touch("BTC/USDT:ticker", clock.currentTimeMillisUnsafe()))))
        const pollOnce = Effect.gen(function* () {
          return yield* drive(yield* Effect.forkChild(poll))
        })

        expect(Exit.isSuccess(yield* pollOnce)).toBe(true)
        let report = yield* health.report
        expect(report.status).toBe("healthy")

        fx.inject({ fault: { kind: "status", status: 503 } })
        yield* pollOnce // 3 attempts
        yield* pollOnce // 2 more: the circuit opens
        report = yield* health.report
        expect(report.status).toBe("degraded")
        expect(report.reasons).toEqual([
          "circuits: circuits not closed: binance:fetchTicker open (5 consecutive failures)",
        ])
        expect(healthHttpStatus(report)).toBe(200)

        yield* advance(15_000, 1000)
        report = yield* health.report
        expect(report.status).toBe("unhealthy")
        expect(report.components["market-data"].reason).toMatch(/^stale: BTC\/USDT:ticker \(\d+ ms\)$/)
        expect(healthHttpStatus(report)).toBe(503)

        fx.clear()
        yield* advance(50_000, 1000) // the open period ends
        for (let i = 0; i < 3; i++) expect(Exit.isSuccess(yield* pollOnce)).toBe(true)
        report = yield* health.report
        expect(report.status).toBe("healthy")
        expect(report.reasons).toEqual([])
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            HealthRegistry.layerWith({ onChange: (c) => Effect.sync(() => void changes.push(c)) }),
            CircuitBreakers.layer,
          ),
        ),
        Effect.provide(TestClock.layer()),
      ),
    )
    expect(changes.filter((c) => c.component === "overall").map((c) => c.status)).toEqual([
      "healthy",
      "degraded",
      "unhealthy",
      "healthy",
    ])
    const circuits = changes.filter((c) => c.component === "circuits")
    expect(circuits.map((c) => [c.previous, c.status])).toEqual([
      [undefined, "healthy"],
      ["healthy", "degraded"],
      ["degraded", "healthy"],
    ])
    expect(circuits[1].reason).toContain("binance:fetchTicker open")
  })
})
