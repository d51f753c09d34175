import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import {
  CircuitBreakers,
  ExchangeGuards,
  makeBulkhead,
  makeRateBudget,
  withTimeout,
} from "../../../core/resilience/index.ts"

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect.pipe(Effect.provide(TestClock.layer())))

describe("Bulkhead", () => {
  test("limits concurrency and rejects beyond the queue", async () => {
    await run(
      Effect.gen(function* () {
        const bulkhead = makeBulkhead({ name: "binance", maxConcurrent: 2, maxQueued: 1 })
        const gate = yield* Deferred.make<void>()
        let peak = 0
        let inside = 0
        const job = Effect.gen(function* () {
          peak = Math.max(peak, ++inside)
          yield* Deferred.await(gate)
          inside--
        })
        const fibers = yield* Effect.forEach([1, 2, 3], () => Effect.forkChild(bulkhead.run(job)))
        yield* Effect.yieldNow
        expect(bulkhead.stats()).toMatchObject({ active: 2, queued: 1 })
        const rejected = yield* Effect.flip(bulkhead.run(job))
        expect(rejected._tag).toBe("BulkheadFullError")
        yield* Deferred.succeed(gate, undefined)
        yield* Effect.forEach(fibers, Fiber.join)
        expect(peak).toBe(2)
        expect(bulkhead.stats()).toMatchObject({ active: 0, queued: 0, rejected: 1 })
      }),
    )
  })

  test("an interrupted waiter frees its queue place", async () => {
    await run(
      Effect.gen(function* () {
        const bulkhead = makeBulkhead({ name: "b", maxConcurrent: 1, maxQueued: 1 })
        const holder = yield* Effect.forkChild(bulkhead.run(Effect.never))
        const waiter = yield* Effect.forkChild(bulkhead.run(Effect.void))
        yield* Effect.yieldNow
        expect(bulkhead.stats().queued).toBe(1)
        yield* Fiber.interrupt(waiter)
        expect(bulkhead.stats().queued).toBe(0)
        yield* Fiber.interrupt(holder)
        expect(bulkhead.stats().active).toBe(0)
      }),
    )
  })
})

describe("RateBudget", () => {
  test("token bucket on the TestClock: burst, then refill rate, FIFO", async () => {
    await run(
      Effect.gen(function* () {
        const budget = makeRateBudget({ name: "binance", capacity: 5, refillPerSecond: 10 })
        const done: Array<number> = []
        const fibers = yield* Effect.forEach(
          Array.from({ length: 10 }, (_, i) => i),
          (i) =>
            Effect.forkChild(
              Effect.andThen(
                budget.take(),
                Effect.sync(() => void done.push(i)),
              ),
            ),
        )
        yield* Effect.yieldNow
        expect(done).toEqual([0, 1, 2, 3, 4]) // the burst
        yield* TestClock.adjust(100)
        expect(done).toEqual([0, 1, 2, 3, 4, 5]) // 10/s → one per 100 ms
        yield* TestClock.adjust(400)
        expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        yield* Effect.forEach(fibers, Fiber.join)
      }),
    )
  })

  test("pauseFor holds every caller (Retry-After), maxWaitMs fails fast", async () => {
    await run(
      Effect.gen(function* () {
        const budget = makeRateBudget({ name: "b", capacity: 100, refillPerSecond: 100, maxWaitMs: 5000 })
        yield* budget.pauseFor(2000)
        let passed = false
        const fiber = yield* Effect.forkChild(
          Effect.andThen(
            budget.take(),
            Effect.sync(() => (passed = true)),
          ),
        )
        yield* TestClock.adjust(1999)
        expect(passed).toBe(false)
        yield* TestClock.adjust(1)
        yield* Fiber.join(fiber)
        expect(passed).toBe(true)
        yield* budget.pauseFor(10_000)
        expect((yield* Effect.flip(budget.take()))._tag).toBe("RateBudgetExceededError")
      }),
    )
  })
})

describe("withTimeout", () => {
  test("fails with CallTimeoutError when the limit passes", async () => {
    await run(
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(Effect.flip(withTimeout("slow", 30_000)(Effect.never)))
        yield* TestClock.adjust(30_000)
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "CallTimeoutError", name: "slow", timeoutMs: 30_000 })
        expect(yield* withTimeout("fast", 10)(Effect.succeed(1))).toBe(1)
      }),
    )
  })
})

describe("RateBudget interruption", () => {
  test("an interrupted waiter gives its tokens back", async () => {
    await run(
      Effect.gen(function* () {
        const budget = makeRateBudget({ name: "b", capacity: 1, refillPerSecond: 1 })
        yield* budget.take() // bucket empty
        const waiter = yield* Effect.forkChild(budget.take(5)) // would wait 5 s
        yield* Effect.yieldNow
        yield* Fiber.interrupt(waiter)
        yield* TestClock.adjust(1000)
        let passed = false
        const next = yield* Effect.forkChild(
          Effect.andThen(
            budget.take(),
            Effect.sync(() => (passed = true)),
          ),
        )
        yield* Effect.yieldNow
        expect(passed).toBe(true) // not stuck behind the abandoned reservation
        yield* Fiber.join(next)
      }),
    )
  })
})

describe("ExchangeGuards", () => {
  test("one guard (one budget, one bulkhead) per exchange for the whole process", async () => {
    await run(
      Effect.gen(function* () {
        const guards = yield* ExchangeGuards
        const a = yield* guards.get({ exchange: "binance", rate: { capacity: 2, refillPerSecond: 1 } })
        const b = yield* guards.get({ exchange: "binance" })
        const c = yield* guards.get({ exchange: "okx" })
        expect(b).toBe(a)
        expect(c).not.toBe(a)
        expect(a.budget.bucket.capacity).toBe(2)
        yield* a.call("fetchTicker", () => Promise.resolve(1))
        yield* b.call("fetchTicker", () => Promise.resolve(2))
        expect(a.budget.stats().granted).toBe(2) // both callers drew on the same budget
        expect((yield* guards.all).map((g) => g.exchange)).toEqual(["binance", "okx"])
      }).pipe(Effect.provide(ExchangeGuards.layer), Effect.provide(CircuitBreakers.layer)),
    )
  })
})
