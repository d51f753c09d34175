import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { EventBus } from "../../../core/events/index.ts"
import {
  HealthRegistry,
  healthChecksLayer,
  makeEventBusCheck,
  marketDataCheckResult,
  pluginsCheckResult,
} from "../../../core/health/index.ts"
import { CircuitBreakers } from "../../../core/resilience/index.ts"

describe("service checks (pure)", () => {
  test("market data: waiting, healthy, recent error degraded, stalled unhealthy", () => {
    const base = { exchange: "binance", polls: 10, errors: 0, lastPollAgeMs: 1000, lastErrorAgeMs: Infinity }
    expect(marketDataCheckResult({ ...base, polls: 0, lastPollAgeMs: Infinity }).reason).toBe("no completed poll of binance yet")
    expect(marketDataCheckResult(base).status).toBe("healthy")
    expect(marketDataCheckResult({ ...base, errors: 1, lastErrorAgeMs: 5000, lastError: "fetchOHLCV BTC/USDT 1m: 503" })).toMatchObject({
      status: "degraded",
      reason: "binance error 5000 ms ago: fetchOHLCV BTC/USDT 1m: 503",
    })
    expect(marketDataCheckResult({ ...base, lastPollAgeMs: 90_000 })).toMatchObject({
      status: "unhealthy",
      reason: "no successful poll of binance for 90000 ms",
    })
  })

  test("event bus: drops and dead letters since the previous check, open handler circuits, draining", () => {
    const check = makeEventBusCheck()
    const stats = (dropped: number, deadLetters: number, circuit = "closed", draining = false) => ({
      lanes: { high: { depth: 0, dropped }, low: { depth: 3, dropped: 0 } },
      deadLetters,
      draining,
      subscribers: [{ name: "analysis", circuit }],
    })
    expect(check(stats(0, 0)).status).toBe("healthy")
    expect(check(stats(4, 1)).reason).toBe("4 events dropped since the last check; 1 new dead letters")
    expect(check(stats(4, 1)).status).toBe("healthy") // nothing new
    expect(check(stats(4, 1, "open")).reason).toBe("handler circuits: analysis open")
    expect(check(stats(4, 1, "closed", true)).reason).toBe("event bus is draining (shutting down)")
  })

  test("plugins", () => {
    expect(pluginsCheckResult({ status: "ok", reasons: [] }).status).toBe("healthy")
    expect(pluginsCheckResult({ status: "degraded", reasons: ['plugin "vwap" quarantined: score NaN'] })).toMatchObject({
      status: "degraded",
      reason: 'plugin "vwap" quarantined: score NaN',
    })
  })
})

describe("healthChecksLayer", () => {
  test("registers checks for the services present (real EventBus and CircuitBreakers)", async () => {
    await Effect.runPromise(Effect.gen(function*() {
      const health = yield* HealthRegistry
      yield* TestClock.adjust(0)
      const report = yield* health.report
      expect(Object.keys(report.components).sort()).toEqual(["circuits", "event-bus", "memory"])
      expect(report.components["event-bus"].status).toBe("healthy")
      expect(report.components.circuits.status).toBe("healthy")
      const breakers = yield* CircuitBreakers
      yield* breakers.isolate("handler:alerts", "operator")
      expect((yield* health.report).reasons).toContain("circuits: circuits not closed: handler:alerts open (operator)")
      // no MarketData in this app: readiness stays waiting
      expect((yield* health.ready).ready).toBe(false)
    }).pipe(
      Effect.provide(healthChecksLayer({ memory: { sampler: () => 1 } }).pipe(
        Layer.provideMerge(Layer.mergeAll(HealthRegistry.layer, EventBus.layer, CircuitBreakers.layer)),
      )),
      Effect.provide(TestClock.layer()),
    ))
  })
})
