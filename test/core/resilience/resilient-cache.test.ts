import { describe, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { makeResilientCache } from "../../../core/resilience/index.ts"

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect.pipe(Effect.provide(TestClock.layer())))

describe("ResilientCache", () => {
  test("TTL: hit while fresh, reload after expiry", async () => {
    await run(
      Effect.gen(function* () {
        const cache = makeResilientCache<string, number>({ name: "t", ttlMs: 1000 })
        let loads = 0
        const load = Effect.sync(() => ++loads)
        expect(yield* cache.get("a", load)).toMatchObject({ value: 1, stale: false, fetchedAt: 0 })
        yield* TestClock.adjust(999)
        expect((yield* cache.get("a", load)).value).toBe(1)
        yield* TestClock.adjust(1)
        expect(yield* cache.get("a", load)).toMatchObject({ value: 2, stale: false, fetchedAt: 1000 })
        expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, stale: 0, size: 1 })
      }),
    )
  })

  test("stale-while-error serves the last good value marked stale, then recovers", async () => {
    await run(
      Effect.gen(function* () {
        const cache = makeResilientCache<string, string>({ name: "t", ttlMs: 100, maxStaleMs: 10_000 })
        let down = false
        const load = Effect.suspend(() => (down ? Effect.fail("exchange down" as const) : Effect.succeed("fresh")))
        yield* cache.get("k", load)
        down = true
        yield* TestClock.adjust(500)
        const served = yield* cache.get("k", load)
        expect(served).toMatchObject({ value: "fresh", stale: true, fetchedAt: 0, error: "exchange down" })
        // too old to serve: the error surfaces
        yield* TestClock.adjust(10_000)
        expect(yield* Effect.flip(cache.get("k", load))).toBe("exchange down")
        // a key never loaded fails with the source's error
        expect(yield* Effect.flip(cache.get("other", load))).toBe("exchange down")
        down = false
        expect(yield* cache.get("k", load)).toMatchObject({ value: "fresh", stale: false, fetchedAt: 10_500 })
        expect(cache.stats()).toMatchObject({ stale: 1, loadErrors: 3 })
      }),
    )
  })

  test("bounded size evicts the least recently used", async () => {
    await run(
      Effect.gen(function* () {
        const cache = makeResilientCache<string, string>({ name: "t", ttlMs: 60_000, maxEntries: 2 })
        const load = (v: string) => Effect.succeed(v)
        yield* cache.get("a", load("a"))
        yield* cache.get("b", load("b"))
        yield* cache.get("a", load("a")) // a is now most recent
        yield* cache.get("c", load("c")) // evicts b
        expect(cache.peek("b")).toBeUndefined()
        expect(cache.peek("a")?.value).toBe("a")
        expect(cache.stats()).toMatchObject({ size: 2, evictions: 1 })
      }),
    )
  })
})

describe("ResilientCache single-flight", () => {
  test("concurrent misses of one key share one load; a shared failure falls back to stale for all", async () => {
    await run(
      Effect.gen(function* () {
        const cache = makeResilientCache<string, number>({ name: "t", ttlMs: 100 })
        let loads = 0
        let fail = false
        const load = Effect.suspend(() => {
          loads++
          return Effect.sleep(50).pipe(Effect.andThen(fail ? Effect.fail("down" as const) : Effect.succeed(loads)))
        })
        const first = yield* Effect.forEach([1, 2, 3], () => Effect.forkChild(cache.get("k", load)))
        yield* TestClock.adjust(50)
        const values = yield* Effect.forEach(first, Fiber.join)
        expect(loads).toBe(1)
        expect(values.map((v) => [v.value, v.stale])).toEqual([
          [1, false],
          [1, false],
          [1, false],
        ])
        expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 2 })
        fail = true
        yield* TestClock.adjust(200)
        const second = yield* Effect.forEach([1, 2, 3], () => Effect.forkChild(cache.get("k", load)))
        yield* TestClock.adjust(50)
        const stale = yield* Effect.forEach(second, Fiber.join)
        expect(loads).toBe(2)
        expect(stale.every((v) => v.stale && v.value === 1 && v.error === "down")).toBe(true)
        expect(cache.stats()).toMatchObject({ stale: 3, loadErrors: 1 })
      }),
    )
  })

  test("when the leading load is interrupted, a waiting reader loads by itself", async () => {
    await run(
      Effect.gen(function* () {
        const cache = makeResilientCache<string, string>({ name: "t", ttlMs: 100 })
        const leader = yield* Effect.forkChild(cache.get("k", Effect.never))
        yield* Effect.yieldNow
        const follower = yield* Effect.forkChild(cache.get("k", Effect.succeed("own")))
        yield* Effect.yieldNow
        yield* Fiber.interrupt(leader)
        expect((yield* Fiber.join(follower)).value).toBe("own")
      }),
    )
  })
})
