import { describe, expect, test } from "bun:test"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import {
  BadRequest,
  type CircuitChange,
  CircuitBreakers,
  ExchangeError,
  makeCircuitBreaker,
  Network,
} from "../../../core/resilience/index.ts"

const run = <A, E>(effect: Effect.Effect<A, E, CircuitBreakers>, changes?: Array<CircuitChange>) =>
  Effect.runPromise(
    effect.pipe(
      Effect.provide(
        CircuitBreakers.layerWith({
          presets: { "plugin:": { openMs: 5_000, halfOpenSuccesses: 1, callTimeoutMs: 50 } },
          onStateChange: (c) => Effect.sync(() => void changes?.push(c)),
        }),
      ),
      Effect.provide(TestClock.layer()),
    ),
  )

const netErr = new ExchangeError({ exchange: "x", message: "down", reason: new Network() })

describe("CircuitBreaker (Effect)", () => {
  test("opens after 5 failures, fails fast, probes after 60 s on the TestClock, closes after 3 successes", async () => {
    const changes: Array<CircuitChange> = []
    await run(
      Effect.gen(function* () {
        const breakers = yield* CircuitBreakers
        const b = yield* breakers.get("binance:fetchTicker")
        let calls = 0
        const failing = Effect.suspend(() => (calls++, Effect.fail(netErr)))
        for (let i = 0; i < 5; i++) yield* Effect.exit(b.protect(failing))
        expect(yield* b.state).toBe("open")
        const rejected = yield* Effect.flip(b.protect(failing))
        expect(rejected._tag).toBe("CircuitOpenError")
        if (rejected._tag === "CircuitOpenError") expect(rejected.retryAfterMs).toBe(60_000)
        expect(calls).toBe(5) // the rejected call never ran
        yield* TestClock.adjust(59_999)
        expect((yield* Effect.flip(b.protect(failing)))._tag).toBe("CircuitOpenError")
        yield* TestClock.adjust(1)
        for (let i = 0; i < 3; i++) expect(yield* b.protect(Effect.succeed(i))).toBe(i)
        expect(yield* b.state).toBe("closed")
        yield* Effect.yieldNow
        const snap = yield* breakers.snapshot
        expect(snap).toHaveLength(1)
        expect(snap[0]).toMatchObject({
          name: "binance:fetchTicker",
          state: "closed",
          rejected: 2,
          failures: 5,
          successes: 3,
        })
      }),
      changes,
    )
    expect(changes.map((c) => [c.name, c.from, c.to])).toEqual([
      ["binance:fetchTicker", "closed", "open"],
      ["binance:fetchTicker", "open", "half-open"],
      ["binance:fetchTicker", "half-open", "closed"],
    ])
  })

  test("call timeout counts as a failure (TestClock), bad requests do not", async () => {
    await run(
      Effect.gen(function* () {
        const breakers = yield* CircuitBreakers
        const b = yield* breakers.get("plugin:slow") // preset: 50 ms timeout
        const fiber = yield* Effect.forkChild(Effect.flip(b.protect(Effect.never)))
        yield* TestClock.adjust(50)
        const e = yield* Fiber.join(fiber)
        expect(e).toMatchObject({ _tag: "CallTimeoutError", name: "plugin:slow", timeoutMs: 50 })
        expect((yield* b.snapshot).failures).toBe(1)
        const bad = new ExchangeError({ exchange: "x", message: "bad", reason: new BadRequest({ status: 400 }) })
        for (let i = 0; i < 10; i++) yield* Effect.exit(b.protect(Effect.fail(bad)))
        expect(yield* b.state).toBe("closed")
        expect((yield* b.snapshot).consecutiveFailures).toBe(0)
      }),
    )
  })

  test("limited half-open probes: concurrent callers beyond the limit are rejected", async () => {
    await run(
      Effect.gen(function* () {
        const b = makeCircuitBreaker({
          name: "h",
          openMs: 1000,
          halfOpenMaxProbes: 2,
          halfOpenSuccesses: 2,
          callTimeoutMs: 0,
        })
        for (let i = 0; i < 5; i++) yield* Effect.exit(b.protect(Effect.fail(netErr)))
        yield* TestClock.adjust(1000)
        const slow = Effect.sleep(100).pipe(Effect.as("probe"))
        const fibers = yield* Effect.forEach([1, 2, 3, 4], () => Effect.forkChild(Effect.exit(b.protect(slow))))
        yield* TestClock.adjust(100)
        const exits = yield* Effect.forEach(fibers, Fiber.join)
        expect(exits.filter(Exit.isSuccess)).toHaveLength(2)
        expect(exits.filter(Exit.isFailure)).toHaveLength(2)
        expect(yield* b.state).toBe("closed")
      }),
    )
  })

  test("manual isolate and reset through the registry", async () => {
    const changes: Array<CircuitChange> = []
    await run(
      Effect.gen(function* () {
        const breakers = yield* CircuitBreakers
        yield* breakers.isolate("handler:alerts", "operator")
        const b = breakers.getUnsafe("handler:alerts")
        yield* TestClock.adjust(3_600_000)
        expect((yield* Effect.flip(b.protect(Effect.succeed(1))))._tag).toBe("CircuitOpenError")
        yield* breakers.reset("handler:alerts")
        expect(yield* b.protect(Effect.succeed(1))).toBe(1)
        yield* Effect.yieldNow
      }),
      changes,
    )
    expect(changes.map((c) => c.reason)).toEqual(["operator", "reset manually"])
  })

  test("an interrupted call gives its probe slot back", async () => {
    await run(
      Effect.gen(function* () {
        const b = makeCircuitBreaker({ name: "i", openMs: 10, callTimeoutMs: 0 })
        for (let i = 0; i < 5; i++) yield* Effect.exit(b.protect(Effect.fail(netErr)))
        yield* TestClock.adjust(10)
        const fiber = yield* Effect.forkChild(b.protect(Effect.never))
        yield* Effect.yieldNow
        expect((yield* Effect.flip(b.protect(Effect.succeed(1))))._tag).toBe("CircuitOpenError")
        yield* Fiber.interrupt(fiber)
        expect(yield* b.protect(Effect.succeed(2))).toBe(2)
      }),
    )
  })
})

describe("CircuitBreakers presets", () => {
  test("plugin: and handler: names get their presets by default, others the exchange preset", async () => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const breakers = yield* CircuitBreakers
        const plugin = breakers.getUnsafe("plugin:rsi-14").machine
        const handler = breakers.getUnsafe("handler:alerts").machine
        const endpoint = breakers.getUnsafe("binance:fetchOHLCV").machine
        expect([plugin.openMs, plugin.callTimeoutMs, plugin.halfOpenSuccesses]).toEqual([30_000, 0, 1])
        expect([handler.openMs, handler.callTimeoutMs]).toEqual([30_000, 10_000])
        expect([endpoint.openMs, endpoint.callTimeoutMs, endpoint.halfOpenSuccesses]).toEqual([60_000, 30_000, 3])
        // plugin hot loop: the sync machine, 3 strikes
        for (let i = 0; i < 3; i++) plugin.onFailure(0, plugin.allow(0))
        expect(plugin.state).toBe("open")
        expect(breakers.getUnsafe("plugin:rsi-14").machine).toBe(plugin) // same named instance
      }).pipe(Effect.provide(CircuitBreakers.layer), Effect.provide(TestClock.layer())),
    )
  })
})
