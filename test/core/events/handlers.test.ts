/** Handler calls: the inline path for synchronous effects, and defects retried like failures. */
import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Fiber, Schedule } from "effect"
import { EventBus, makeEvent } from "../../../core/events/index.ts"
import { inlineSupported, runInline } from "../../../core/events/inline.ts"
import { countdown, runBus, signal, ticker } from "./support.ts"

describe("inline handler calls", () => {
  test("Effect.sync thunks and succeeded effects complete inline; anything else is left to the run loop", () => {
    expect(inlineSupported).toBe(true)
    let ran = 0
    expect(runInline(Effect.sync(() => void ran++))).toBe(true)
    expect(ran).toBe(1)
    expect(runInline(Effect.void)).toBe(true)
    expect(runInline(Effect.succeed(1))).toBe(true)
    for (const e of [
      Effect.fail("x"),
      Effect.die("x"),
      Effect.suspend(() => Effect.sync(() => void ran++)),
      Effect.map(
        Effect.sync(() => void ran++),
        () => 1,
      ),
    ]) {
      expect(runInline(e as Effect.Effect<unknown, unknown>)).toBe(false)
    }
    expect(ran).toBe(1)
    expect(() =>
      runInline(
        Effect.sync(() => {
          throw new Error("thrown")
        }),
      ),
    ).toThrow("thrown")
  })

  test("sync, void-returning and generator handlers all see every event in order", async () => {
    const got = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const a: Array<number> = []
        const b: Array<number> = []
        const c: Array<number> = []
        const done = yield* countdown(100)
        yield* bus.subscribe("market.ticker", (e) => Effect.sync(() => a.push(e.payload.last)), { name: "sync" })
        yield* bus.subscribe("market.ticker", (e) => (b.push(e.payload.last), Effect.void), { name: "void" })
        yield* bus.subscribe(
          "market.ticker",
          (e) =>
            Effect.gen(function* () {
              c.push(e.payload.last)
              yield* done.hit
            }),
          { name: "gen" },
        )
        yield* bus.publishAll(
          yield* Effect.forEach(
            Array.from({ length: 100 }, (_, i) => i),
            (i) => ticker(i),
          ),
        )
        yield* Deferred.await(done.done)
        yield* bus.drain("1 second")
        return { a, b, c, stats: yield* bus.stats }
      }),
    )
    const expected = Array.from({ length: 100 }, (_, i) => i)
    expect(got.a).toEqual(expected)
    expect(got.b).toEqual(expected)
    expect(got.c).toEqual(expected)
    expect(got.stats.subscribers.map((s) => s.delivered)).toEqual([100, 100, 100])
  })
})

describe("defects are retried like failures", () => {
  test("an inlined thunk that throws twice is retried and then delivered; nothing is dead-lettered", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        let calls = 0
        const ok = yield* Deferred.make<void>()
        yield* bus.subscribe(
          "signal.emitted",
          () =>
            Effect.sync(() => {
              if (++calls <= 2) throw new Error("flaky")
              Deferred.doneUnsafe(ok, Effect.void)
            }),
          { name: "flaky-throw", retry: Schedule.recurs(3) },
        )
        yield* bus.publish(yield* signal(1))
        yield* Deferred.await(ok)
        yield* bus.drain("1 second")
        return { calls, stats: yield* bus.stats }
      }),
    )
    expect(result.calls).toBe(3)
    expect(result.stats.deadLetters).toBe(0)
    expect(result.stats.subscribers[0].delivered).toBe(1)
  })

  test(
    "a handler that always dies is dead-lettered after 1 + retries attempts, with the " + "defect's message",
    async () => {
      const letters = await runBus(
        Effect.gen(function* () {
          const bus = yield* EventBus
          let calls = 0
          yield* bus.subscribe(
            "signal.emitted",
            () => Effect.suspend(() => (calls++, Effect.die(new Error("always broken")))),
            {
              name: "dies",
              retry: Schedule.recurs(2),
            },
          )
          yield* bus.subscribe(
            "signal.emitted",
            (batch) =>
              Effect.sync(() => {
                throw new Error(`batch of ${batch.length}`)
              }),
            {
              name: "batch-throws",
              retry: Schedule.recurs(1),
              batch: { size: 2, ms: 0 },
            },
          )
          yield* bus.publishAll([yield* signal(1), yield* signal(2)])
          yield* bus.drain("1 second")
          return { letters: yield* bus.deadLetters.list(), calls }
        }),
      )
      const dies = letters.letters.filter((l) => l.subscriber === "dies")
      expect(dies.map((l) => l.attempts)).toEqual([3, 3])
      expect(letters.calls).toBe(6)
      expect(dies[0].error).toContain("always broken")
      const batch = letters.letters.filter((l) => l.subscriber === "batch-throws")
      expect(batch.length).toBe(2)
      expect(batch[0].attempts).toBe(2)
      expect(batch[0].error).toContain("batch of 2")
    },
  )
})

describe("a delivery blocked at a full 'wait' lane", () => {
  test(
    "resumes where it stopped: no subscriber gets an event twice or misses one, and dedup runs once " + "per event",
    async () => {
      const got = await runBus(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const fast: Array<number> = []
          const slow: Array<number> = []
          const gate = yield* Deferred.make<void>()
          const done = yield* countdown(20)
          // "fast" is first in the route, so the delivery blocks at the second subscriber.
          yield* bus.subscribe(
            "market.trades",
            (e) => Effect.sync(() => fast.push(e.payload.trades[0].price)).pipe(Effect.andThen(done.hit)),
            { name: "fast" },
          )
          yield* bus.subscribe(
            "market.trades",
            (e) =>
              Deferred.await(gate).pipe(
                Effect.andThen(Effect.sync(() => slow.push(e.payload.trades[0].price))),
                Effect.andThen(done.hit),
              ),
            { name: "slow", capacity: 2, backpressure: "wait" },
          )
          const events = yield* Effect.forEach(
            Array.from({ length: 10 }, (_, i) => i),
            (i) =>
              makeEvent(
                "market.trades",
                { symbol: "X", trades: [{ id: String(i), time: 0, price: i, amount: 1, side: "buy" as const }] },
                { source: "t" },
              ),
          )
          const publisher = yield* Effect.forkChild(bus.publishAll(events))
          for (let i = 0; i < 20; i++) yield* Effect.yieldNow
          yield* Deferred.succeed(gate, undefined)
          yield* Fiber.join(publisher)
          yield* Deferred.await(done.done)
          return { fast, slow, stats: yield* bus.stats }
        }),
      )
      const all = Array.from({ length: 10 }, (_, i) => i)
      expect(got.fast).toEqual(all)
      expect(got.slow).toEqual(all)
      expect(got.stats.deduplicated).toBe(0)
      expect(got.stats.published["market.trades"]).toBe(10)
    },
  )
})
