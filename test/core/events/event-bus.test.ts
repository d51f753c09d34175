/**
 * Failure modes an event bus is prone to; each test shows it cannot happen here:
 * workers fail to start, stop references missing state, wildcard subscriptions match every
 * event, a retry re-publishes nothing, a full queue blocks forever instead of applying
 * backpressure, the publisher deadlocks when a batch fills, dedup drops genuinely different updates.
 */
import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Exit, Fiber, Schedule, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import {
  EVENT_TYPES,
  EventBus,
  isDeduplicated,
  makeEvent,
  matches,
  type VirtuosoEvent,
} from "../../../core/events/index.ts"
import { countdown, runBus, runBusTestClock, signal, ticker, trades } from "./support.ts"

describe("classic bus failures", () => {
  test("workers start by themselves: every concurrent worker takes events right after subscribe", async () => {
    const peak = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const gate = yield* Deferred.make<void>()
        const started = yield* countdown(4)
        let running = 0
        let peak = 0
        yield* bus.subscribe(
          "signal.emitted",
          () =>
            Effect.gen(function* () {
              peak = Math.max(peak, ++running)
              yield* started.hit
              yield* Deferred.await(gate)
              running--
            }),
          { name: "slow", concurrency: 4 },
        )
        // Let the four workers start and park, then one delivery of 8 must wake all of them.
        for (let i = 0; i < 20; i++) yield* Effect.yieldNow
        yield* bus.publishAll(yield* Effect.forEach([0, 1, 2, 3, 4, 5, 6, 7], (i) => signal(i)))
        yield* Deferred.await(started.done)
        yield* Deferred.succeed(gate, undefined)
        return peak
      }),
    )
    expect(peak).toBe(4)
  })

  test(
    "stop never touches missing state: drain with no subscribers, twice, after unsubscribe, then publish " +
      "fails typed",
    async () => {
      const result = await runBus(
        Effect.gen(function* () {
          const bus = yield* EventBus
          yield* bus.drain("1 second")
          const scope = yield* Scope.make()
          yield* bus.subscribe("*", () => Effect.void, { name: "gone" }).pipe(Scope.provide(scope))
          yield* Scope.close(scope, Exit.void)
          yield* bus.drain("1 second")
          yield* bus.drain("1 second")
          const refused = yield* Effect.flip(bus.publish(yield* signal(1)))
          return { refused, stats: yield* bus.stats }
        }),
      )
      expect(result.refused._tag).toBe("EventBusError")
      expect(result.refused.reason).toBe("closed")
      expect(result.stats.subscribers).toEqual([])
      expect(result.stats.draining).toBe(true)
    },
  )

  test("a prefix pattern matches only its own types; '*' matches all", async () => {
    expect(matches("plugin.*", "plugins.loaded")).toBe(false)
    expect(matches("market.*", "market.candle.closed")).toBe(true)
    expect(matches("market.candle.*", "market.ticker")).toBe(false)
    const got = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const plugin: Array<string> = []
        const all: Array<string> = []
        const done = yield* countdown(EVENT_TYPES.length)
        yield* bus.subscribe("plugin.*", (e) => Effect.sync(() => plugin.push(e.type)), { name: "plugins" })
        yield* bus.subscribe("*", (e) => Effect.sync(() => all.push(e.type)).pipe(Effect.andThen(done.hit)), {
          name: "all",
        })
        for (const type of EVENT_TYPES) {
          // Payloads are irrelevant to routing; the cast keeps the loop over every type short.
          yield* bus.publish((yield* makeEvent(type, {} as never, { source: "test" })) as VirtuosoEvent)
        }
        yield* Deferred.await(done.done)
        yield* bus.drain("1 second")
        return { plugin, all }
      }),
    )
    expect(got.plugin.sort()).toEqual(EVENT_TYPES.filter((t) => t.startsWith("plugin.")).sort())
    expect(got.all.length).toBe(EVENT_TYPES.length)
  })

  test("a retry re-delivers the same event to the handler until it succeeds", async () => {
    const seen = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const ok = yield* Deferred.make<void>()
        const seen: Array<string> = []
        yield* bus.subscribe(
          "signal.emitted",
          (e) =>
            Effect.gen(function* () {
              seen.push(e.id)
              if (seen.length < 3) return yield* Effect.fail("transient")
              yield* Deferred.succeed(ok, undefined)
            }),
          { name: "flaky", retry: Schedule.recurs(5) },
        )
        const event = yield* signal(1)
        yield* bus.publish(event)
        yield* Deferred.await(ok)
        yield* bus.drain("1 second")
        return { seen, id: event.id, stats: yield* bus.stats }
      }),
    )
    expect(seen.seen).toEqual([seen.id, seen.id, seen.id])
    expect(seen.stats.deadLetters).toBe(0)
    expect(seen.stats.subscribers[0].delivered).toBe(1)
  })

  test("a full 'wait' lane suspends the publisher and resumes it when space frees (never forever)", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const gate = yield* Deferred.make<void>()
        const all = yield* countdown(10)
        yield* bus.subscribe("signal.emitted", () => Deferred.await(gate).pipe(Effect.andThen(all.hit)), {
          name: "slow",
          capacity: 2,
          backpressure: "wait",
        })
        const events = yield* Effect.forEach([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], (i) => signal(i))
        const publisher = yield* Effect.forkChild(bus.publishAll(events))
        // Let the publisher run as far as it can: 1 in the handler + 2 queued, then it must wait.
        for (let i = 0; i < 20; i++) yield* Effect.yieldNow
        const blocked = publisher.pollUnsafe() === undefined
        const depthWhileBlocked = (yield* bus.stats).lanes.critical.depth
        yield* Deferred.succeed(gate, undefined)
        yield* Fiber.join(publisher)
        yield* Deferred.await(all.done)
        return { blocked, depthWhileBlocked, delivered: all.count() }
      }),
    )
    expect(result.blocked).toBe(true)
    expect(result.depthWhileBlocked).toBe(2)
    expect(result.delivered).toBe(10)
  })

  test("a filling batch never blocks the publisher; batches are capped at their size", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const sizes: Array<number> = []
        const all = yield* countdown(1000)
        yield* bus.subscribe(
          "market.ticker",
          (batch) =>
            Effect.sync(() => sizes.push(batch.length)).pipe(Effect.andThen(Effect.forEach(batch, () => all.hit))),
          { name: "batcher", batch: { size: 100, ms: 100 }, capacity: 50, backpressure: "wait" },
        )
        const events = yield* Effect.forEach(
          Array.from({ length: 1000 }, (_, i) => i),
          (i) => ticker(i),
        )
        yield* bus.publishAll(events)
        yield* Deferred.await(all.done)
        return sizes
      }),
    )
    expect(result.reduce((a, b) => a + b, 0)).toBe(1000)
    expect(Math.max(...result)).toBeLessThanOrEqual(100)
  })

  test("dedup keeps genuinely different updates (same symbol, same time) and drops only a repeated id", async () => {
    const got = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const seen: Array<number> = []
        const three = yield* countdown(3)
        yield* bus.subscribe(
          "market.trades",
          (e) => Effect.sync(() => seen.push(e.payload.trades[0].price)).pipe(Effect.andThen(three.hit)),
          { name: "t" },
        )
        const a = yield* trades(100)
        const b = yield* trades(101)
        // Same symbol, same time, same shape as `a`, different id: a different update.
        const c = {
          ...a,
          id: `${a.id}-other`,
          payload: { ...a.payload, trades: [{ ...a.payload.trades[0], price: 102 }] },
        }
        yield* bus.publishAll([a, b, a, c, b])
        yield* Deferred.await(three.done)
        yield* bus.drain("1 second")
        return { seen, stats: yield* bus.stats }
      }),
    )
    expect(got.seen).toEqual([100, 101, 102])
    expect(got.stats.deduplicated).toBe(2)
  })

  test("full-state snapshots (ticker, order book) are not deduplicated: the catalogue says so per type", async () => {
    const got = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const seen: Array<number> = []
        yield* bus.subscribe("market.ticker", (e) => Effect.sync(() => seen.push(e.payload.last)), { name: "t" })
        const a = yield* ticker(1)
        yield* bus.publishAll([a, a])
        yield* bus.drain("1 second")
        return seen
      }),
    )
    expect(got).toEqual([1, 1])
    expect(isDeduplicated("market.ticker")).toBe(false)
    expect(isDeduplicated("market.trades")).toBe(true)
    expect(isDeduplicated("signal.emitted")).toBe(true)
  })
})

describe("dedup window", () => {
  test("a repeated id is dropped within the window and delivered again after it (TestClock)", async () => {
    const seen = await runBusTestClock(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const seen: Array<number> = []
        yield* bus.subscribe("signal.emitted", (e) => Effect.sync(() => seen.push(e.payload.score)), { name: "s" })
        const event = yield* signal(7)
        yield* bus.publish(event)
        yield* TestClock.adjust("59 seconds")
        yield* bus.publish(event)
        yield* TestClock.adjust("62 seconds")
        yield* bus.publish(event)
        yield* bus.drain("1 second")
        return seen
      }),
    )
    expect(seen).toEqual([7, 7])
  })
})

describe("stream", () => {
  test("stream(pattern) yields matching live events in order", async () => {
    const got = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const ready = yield* Deferred.make<void>()
        const fiber = yield* Effect.forkChild(
          bus.stream("market.*").pipe(
            Stream.onStart(Deferred.succeed(ready, undefined)),
            Stream.take(3),
            Stream.map((e) => e.type),
            Stream.runCollect,
          ),
        )
        yield* Deferred.await(ready)
        for (let i = 0; i < 20 && (yield* bus.stats).subscribers.length === 0; i++) yield* Effect.yieldNow
        yield* bus.publish(yield* ticker(1))
        yield* bus.publish(yield* signal(1))
        yield* bus.publish(yield* ticker(2))
        yield* bus.publish(yield* ticker(3))
        return yield* Fiber.join(fiber)
      }),
    )
    expect(Array.from(got)).toEqual(["market.ticker", "market.ticker", "market.ticker"])
  })
})
