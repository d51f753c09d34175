import { describe, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import {
  degraded,
  type HealthChange,
  healthHttpStatus,
  HealthRegistry,
  healthy,
  readyHttpStatus,
  unhealthy,
} from "../../../core/health/index.ts"
import { CircuitBreakers, ExchangeError, Network } from "../../../core/resilience/index.ts"
import { circuitBreakersCheck } from "../../../core/health/index.ts"

const run = <A, E>(effect: Effect.Effect<A, E, HealthRegistry>, changes?: Array<HealthChange>) =>
  Effect.runPromise(
    effect.pipe(
      Effect.provide(HealthRegistry.layerWith({ onChange: (c) => Effect.sync(() => void changes?.push(c)) })),
      Effect.provide(TestClock.layer()),
    ),
  )

describe("HealthRegistry", () => {
  test("aggregates worst status with reasons per component; degraded is 200, unhealthy 503", async () => {
    await run(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        expect((yield* health.report).status).toBe("healthy") // nothing registered
        let store = healthy()
        yield* health.register(
          "store",
          Effect.sync(() => store),
        )
        yield* health.register("exchange:binance", Effect.succeed(degraded("serving stale tickers")))
        let r = yield* health.report
        expect(r.status).toBe("degraded")
        expect(r.reasons).toEqual(["exchange:binance: serving stale tickers"])
        expect(healthHttpStatus(r)).toBe(200)
        store = unhealthy("sqlite busy", { attempts: 3 })
        r = yield* health.report
        expect(r.status).toBe("unhealthy")
        expect(r.components.store).toMatchObject({
          status: "unhealthy",
          reason: "sqlite busy",
          details: { attempts: 3 },
          critical: true,
        })
        expect(healthHttpStatus(r)).toBe(503)
      }),
    )
  })

  test("a non-critical unhealthy component only degrades; failing and hanging checks are unhealthy", async () => {
    await run(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        yield* health.register("alerts", Effect.succeed(unhealthy("webhook down")), { critical: false })
        expect((yield* health.report).status).toBe("degraded")
        yield* health.register("plugin-host", Effect.die(new Error("boom")))
        yield* health.register("hang", Effect.never, { timeoutMs: 1000 })
        const fiber = yield* Effect.forkChild(health.report)
        yield* TestClock.adjust(1000)
        const r = yield* Fiber.join(fiber)
        expect(r.status).toBe("unhealthy")
        expect(r.components["plugin-host"].reason).toContain("check failed")
        expect(r.components["plugin-host"].reason).toContain("boom")
        expect(r.components.hang.reason).toBe("check timed out after 1000 ms")
        yield* health.unregister("hang")
        yield* health.unregister("plugin-host")
        expect((yield* health.report).status).toBe("degraded")
      }),
    )
  })

  test("emits transitions once per change with previous status and reason", async () => {
    const changes: Array<HealthChange> = []
    await run(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        let s = healthy()
        yield* health.register(
          "market",
          Effect.sync(() => s),
        )
        yield* health.report
        yield* health.report // no change, no event
        s = degraded("binance:fetchTicker open")
        yield* TestClock.adjust(5000)
        yield* health.report
        s = healthy()
        yield* health.report
      }),
      changes,
    )
    const market = changes.filter((c) => c.component === "market")
    expect(market.map((c) => [c.previous, c.status])).toEqual([
      [undefined, "healthy"],
      ["healthy", "degraded"],
      ["degraded", "healthy"],
    ])
    expect(market[1]).toMatchObject({ reason: "binance:fetchTicker open", at: 5000 })
    expect(changes.filter((c) => c.component === "overall").map((c) => c.status)).toEqual([
      "healthy",
      "degraded",
      "healthy",
    ])
  })

  test("live answers; ready needs markets and first data", async () => {
    const changes: Array<HealthChange> = []
    await run(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        yield* TestClock.adjust(1234)
        expect(yield* health.live).toMatchObject({ status: "healthy", uptimeMs: 1234 })
        let r = yield* health.ready
        expect(r).toMatchObject({ ready: false, waitingFor: ["markets", "first-data"] })
        expect(readyHttpStatus(r)).toBe(503)
        yield* health.setReady("markets", true)
        expect((yield* health.ready).waitingFor).toEqual(["first-data"])
        yield* health.setReady("first-data", true)
        r = yield* health.ready
        expect(r.ready).toBe(true)
        expect(readyHttpStatus(r)).toBe(200)
        yield* health.setReady("markets", false, "reloading markets")
        expect((yield* health.ready).waitingFor).toEqual(["markets"])
      }),
      changes,
    )
    expect(changes.filter((c) => c.component === "ready").map((c) => c.status)).toEqual([
      "unhealthy",
      "healthy",
      "unhealthy",
    ])
  })

  test("circuit breakers check: open circuit → degraded with its reason", async () => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        const breakers = yield* CircuitBreakers
        yield* health.register("circuits", circuitBreakersCheck(breakers.snapshot, { criticalPrefix: "binance:" }))
        const b = yield* breakers.get("binance:fetchTicker")
        yield* breakers.get("binance:fetchOHLCV")
        expect((yield* health.report).status).toBe("healthy")
        const err = new ExchangeError({ exchange: "binance", message: "x", reason: new Network() })
        for (let i = 0; i < 5; i++) yield* Effect.exit(b.protect(Effect.fail(err)))
        let r = yield* health.report
        expect(r.status).toBe("degraded")
        expect(r.reasons[0]).toContain("binance:fetchTicker open (5 consecutive failures)")
        yield* breakers.isolate("binance:fetchOHLCV")
        r = yield* health.report
        expect(r.status).toBe("unhealthy")
      }).pipe(
        Effect.provide(HealthRegistry.layer),
        Effect.provide(CircuitBreakers.layer),
        Effect.provide(TestClock.layer()),
      ),
    )
  })
})

describe("HealthRegistry background polling", () => {
  test("transitions are emitted without anyone calling report", async () => {
    const changes: Array<HealthChange> = []
    await Effect.runPromise(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        let s = healthy()
        yield* health.register(
          "bus",
          Effect.sync(() => s),
        )
        yield* TestClock.adjust(1000)
        expect(changes.filter((c) => c.component === "bus").map((c) => c.status)).toEqual(["healthy"]) // first poll
        s = degraded("lane high is 95% full")
        yield* TestClock.adjust(1000)
        yield* TestClock.adjust(1000) // unchanged: no second event
        const bus = changes.filter((c) => c.component === "bus")
        expect(bus.map((c) => c.status)).toEqual(["healthy", "degraded"])
        expect(bus[1]).toMatchObject({ previous: "healthy", reason: "lane high is 95% full", at: 2000 })
      }).pipe(
        Effect.provide(
          HealthRegistry.layerWith({ pollIntervalMs: 1000, onChange: (c) => Effect.sync(() => void changes.push(c)) }),
        ),
        Effect.provide(TestClock.layer()),
      ),
    )
  })
})
