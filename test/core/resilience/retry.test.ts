import { describe, expect, test } from "bun:test"
import { Effect, Fiber, Random } from "effect"
import { TestClock } from "effect/testing"
import {
  BadRequest,
  backoffDelayMs,
  Banned,
  ExchangeError,
  Network,
  RateLimited,
  ServerError,
  withRetry,
} from "../../../core/resilience/index.ts"

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect.pipe(Effect.provide(TestClock.layer())))
const err = (reason: ExchangeError["reason"]) => new ExchangeError({ exchange: "test", message: reason._tag, reason })

/** Runs `failures` (then succeeds), recording the virtual time of every attempt. */
const flaky = (failures: ReadonlyArray<ExchangeError>, times: Array<number>) => {
  let i = 0
  return Effect.clockWith((clock) =>
    Effect.suspend(() => {
      times.push(clock.currentTimeMillisUnsafe())
      const f = failures[i++]
      return f === undefined ? Effect.succeed("ok" as const) : Effect.fail(f)
    }),
  )
}

/** Advance virtual time in 100 ms steps until the fiber is done. */
const drive = <A, E>(fiber: Fiber.Fiber<A, E>, maxMs = 600_000) =>
  Effect.gen(function* () {
    for (let t = 0; t < maxMs && fiber.pollUnsafe() === undefined; t += 100) yield* TestClock.adjust(100)
    return yield* Fiber.await(fiber)
  })

describe("backoffDelayMs", () => {
  test("1 s base doubling, ±10 % jitter, 60 s cap, Retry-After floor", () => {
    expect(backoffDelayMs(1, 0.5)).toBe(1000)
    expect(backoffDelayMs(2, 0.5)).toBe(2000)
    expect(backoffDelayMs(3, 0)).toBe(3600)
    expect(backoffDelayMs(3, 0.999999)).toBe(4400)
    expect(backoffDelayMs(20, 0.5)).toBe(60_000)
    expect(backoffDelayMs(20, 0.999999)).toBe(66_000)
    expect(backoffDelayMs(1, 0.5, {}, 5000)).toBe(5000)
  })
})

describe("withRetry", () => {
  test("retries network/5xx with jittered exponential delays, 3 attempts by default", async () => {
    const times: Array<number> = []
    const exit = await run(
      Effect.gen(function* () {
        const fiber = yield* flaky(
          [err(new Network()), err(new ServerError({ status: 503 })), err(new Network())],
          times,
        ).pipe(withRetry(), Effect.forkChild)
        return yield* drive(fiber)
      }),
    )
    expect(exit._tag).toBe("Failure") // 3 attempts, all failed
    expect(times.length).toBe(3)
    const d1 = times[1] - times[0]
    const d2 = times[2] - times[1]
    // TestClock moves in 100 ms steps, so a delay is observed rounded up to the next step.
    expect(d1).toBeGreaterThanOrEqual(900)
    expect(d1).toBeLessThanOrEqual(1200)
    expect(d2).toBeGreaterThanOrEqual(1800)
    expect(d2).toBeLessThanOrEqual(2300)
  })

  test("succeeds once the source recovers", async () => {
    const times: Array<number> = []
    const exit = await run(
      Effect.gen(function* () {
        const fiber = yield* flaky([err(new Network())], times).pipe(withRetry(), Effect.forkChild)
        return yield* drive(fiber)
      }),
    )
    expect(exit._tag).toBe("Success")
    expect(times.length).toBe(2)
  })

  test("never retries bad request", async () => {
    const times: Array<number> = []
    const exit = await run(
      Effect.gen(function* () {
        const fiber = yield* flaky([err(new BadRequest({ status: 400 }))], times).pipe(withRetry(), Effect.forkChild)
        return yield* drive(fiber)
      }),
    )
    expect(exit._tag).toBe("Failure")
    expect(times).toEqual([0])
  })

  test("honours Retry-After of a 429 and a 418", async () => {
    const times: Array<number> = []
    const exit = await run(
      Effect.gen(function* () {
        const fiber = yield* flaky(
          [err(new RateLimited({ retryAfterMs: 7000 })), err(new Banned({ retryAfterMs: 12_000 }))],
          times,
        ).pipe(withRetry(), Effect.forkChild)
        return yield* drive(fiber)
      }),
    )
    expect(exit._tag).toBe("Success")
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(7000)
    expect(times[1] - times[0]).toBeLessThanOrEqual(7100)
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(12_000)
  })

  test("gives up when the next retry would pass maxElapsedMs", async () => {
    const times: Array<number> = []
    const exit = await run(
      Effect.gen(function* () {
        const fiber = yield* flaky([err(new RateLimited({ retryAfterMs: 90_000 }))], times).pipe(
          withRetry({ maxElapsedMs: 60_000 }),
          Effect.forkChild,
        )
        return yield* drive(fiber)
      }),
    )
    expect(exit._tag).toBe("Failure")
    expect(times).toEqual([0])
  })

  test("jitter stays within ±10 % over many seeds, and varies", async () => {
    const firstDelays = new Set<number>()
    for (let seed = 0; seed < 20; seed++) {
      const delays: Array<number> = []
      const times: Array<number> = []
      await run(
        Effect.gen(function* () {
          const fiber = yield* flaky([err(new Network()), err(new Network())], times).pipe(
            withRetry({ maxAttempts: 3, onRetry: (info) => Effect.sync(() => void delays.push(info.delayMs)) }),
            Random.withSeed(seed),
            Effect.forkChild,
          )
          yield* drive(fiber)
        }),
      )
      expect(delays.length).toBe(2)
      expect(delays[0]).toBeGreaterThanOrEqual(900)
      expect(delays[0]).toBeLessThanOrEqual(1100)
      expect(delays[1]).toBeGreaterThanOrEqual(1800)
      expect(delays[1]).toBeLessThanOrEqual(2200)
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(delays[0])
      firstDelays.add(delays[0])
    }
    expect(firstDelays.size).toBeGreaterThan(5)
  })
})
