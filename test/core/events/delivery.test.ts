/** Priority order under load, backpressure policies, batching by time, drain and unsubscribe. */
import { describe, expect, test } from "bun:test"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"
import { EventBus, type VirtuosoEvent } from "../../../core/events/index.ts"
import { buildSchedule, DEFAULT_WEIGHTS } from "../../../core/events/lanes.ts"
import { countdown, health, indicator, runBus, runBusTestClock, signal, ticker, trades } from "./support.ts"

const laneOf = (e: VirtuosoEvent) =>
  e.type === "signal.emitted"
    ? "critical"
    : e.type === "market.ticker"
      ? "high"
      : e.type === "stream.changed"
        ? "normal"
        : "low"

describe("priority lanes", () => {
  test("the weighted schedule starts with critical and gives every lane a slot", () => {
    const schedule = buildSchedule(DEFAULT_WEIGHTS)
    expect(schedule[0]).toBe(0)
    expect(schedule.length).toBe(15)
    expect([0, 1, 2, 3].map((lane) => schedule.filter((s) => s === lane).length)).toEqual([8, 4, 2, 1])
  })

  test("under load critical goes first, shares follow the weights, and low is not starved", async () => {
    const order = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const gate = yield* Deferred.make<void>()
        const entered = yield* Deferred.make<void>()
        const order: Array<string> = []
        const all = yield* countdown(401)
        yield* bus.subscribe(
          "*",
          (e) =>
            Effect.gen(function* () {
              if (e.type === "system.started")
                yield* Deferred.succeed(entered, undefined).pipe(Effect.andThen(Deferred.await(gate)))
              else order.push(laneOf(e))
              yield* all.hit
            }),
          { name: "busy" },
        )
        // Occupy the handler, then queue 100 of each lane (low first, to make starvation likely).
        yield* bus.publish((yield* Effect.map(health(0), (e) => ({ ...e, type: "system.started" }))) as VirtuosoEvent)
        yield* Deferred.await(entered)
        for (let i = 0; i < 100; i++) yield* bus.publish(yield* health(i))
        for (let i = 0; i < 100; i++) yield* bus.publish(yield* indicator(i))
        for (let i = 0; i < 100; i++) yield* bus.publish(yield* ticker(i))
        for (let i = 0; i < 100; i++) yield* bus.publish(yield* signal(i))
        yield* Deferred.succeed(gate, undefined)
        yield* Deferred.await(all.done)
        return order
      }),
    )
    expect(order[0]).toBe("critical")
    const first15 = order.slice(0, 15)
    const share = (lane: string) => first15.filter((l) => l === lane).length
    expect([share("critical"), share("high"), share("normal"), share("low")]).toEqual([8, 4, 2, 1])
    // Low appears within the first round even though critical still has 92 waiting.
    expect(first15).toContain("low")
    // All critical events are done well before all low ones.
    expect(order.lastIndexOf("critical")).toBeLessThan(order.lastIndexOf("low"))
    expect(order.length).toBe(400)
  })
})

describe("backpressure policies", () => {
  test("drop-oldest never blocks the publisher, keeps the newest, and counts drops per lane", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const gate = yield* Deferred.make<void>()
        const seen: Array<number> = []
        const first = yield* Deferred.make<void>()
        yield* bus.subscribe(
          "market.ticker",
          (e) =>
            Effect.gen(function* () {
              yield* Deferred.succeed(first, undefined)
              yield* Deferred.await(gate)
              seen.push(e.payload.last)
            }),
          { name: "lossy", capacity: 3, backpressure: { high: "drop-oldest" } },
        )
        yield* bus.publish(yield* ticker(0))
        yield* Deferred.await(first) // the handler holds event 0
        for (let i = 1; i <= 10; i++) yield* bus.publish(yield* ticker(i))
        const stats = yield* bus.stats
        yield* Deferred.succeed(gate, undefined)
        yield* bus.drain("1 second")
        return { seen, stats }
      }),
    )
    expect(result.seen).toEqual([0, 8, 9, 10])
    expect(result.stats.lanes.high.dropped).toBe(7)
    expect(result.stats.lanes.high.depth).toBe(3)
    expect(result.stats.lanes.critical.dropped).toBe(0)
  })
})

describe("bounded by default", () => {
  test("each lane holds 10,000 events by default; drop-oldest counts what it evicts", async () => {
    const stats = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const gate = yield* Deferred.make<void>()
        const first = yield* Deferred.make<void>()
        yield* bus.subscribe(
          "market.trades",
          () => Deferred.succeed(first, undefined).pipe(Effect.andThen(Deferred.await(gate))),
          { name: "stuck", backpressure: "drop-oldest" },
        )
        yield* bus.publish(yield* trades(0))
        yield* Deferred.await(first)
        const events = yield* Effect.forEach(
          Array.from({ length: 10_050 }, (_, i) => i),
          (i) => trades(i),
        )
        yield* bus.publishAll(events)
        const stats = yield* bus.stats
        yield* Deferred.succeed(gate, undefined)
        return stats
      }),
    )
    expect(stats.lanes.high.depth).toBe(10_000)
    expect(stats.lanes.high.dropped).toBe(50)
  })
})

describe("batching", () => {
  test("a partial batch is delivered after `ms`, not before (TestClock)", async () => {
    const result = await runBusTestClock(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const batches: Array<number> = []
        const got = yield* Deferred.make<void>()
        yield* bus.subscribe(
          "market.ticker",
          (batch) =>
            Effect.sync(() => batches.push(batch.length)).pipe(Effect.andThen(Deferred.succeed(got, undefined))),
          { name: "b", batch: { size: 100, ms: 100 } },
        )
        yield* bus.publishAll([yield* ticker(1), yield* ticker(2), yield* ticker(3)])
        for (let i = 0; i < 10; i++) yield* Effect.yieldNow
        yield* TestClock.adjust("99 millis")
        for (let i = 0; i < 10; i++) yield* Effect.yieldNow
        const early = [...batches]
        yield* TestClock.adjust("1 millis")
        yield* Deferred.await(got)
        return { early, batches }
      }),
    )
    expect(result.early).toEqual([])
    expect(result.batches).toEqual([3])
  })

  test("behind a burst the rest goes at once, told what is still queued; a new partial batch waits", async () => {
    const result = await runBusTestClock(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const batches: Array<number> = []
        const queuedBehind: Array<number> = []
        yield* bus.subscribe(
          "market.ticker",
          (batch, queued) => Effect.sync(() => batches.push(batch.length) + queuedBehind.push(queued)),
          { name: "b", batch: { size: 2, ms: 100 } },
        )
        const settle = Effect.repeat(Effect.yieldNow, { times: 20 })
        yield* bus.publishAll(yield* Effect.forEach([1, 2, 3, 4, 5], (n) => ticker(n)))
        yield* settle
        const burst = [...batches]
        yield* bus.publish(yield* ticker(6))
        yield* settle
        const early = [...batches]
        yield* TestClock.adjust("100 millis")
        yield* settle
        return { burst, early, batches, queuedBehind }
      }),
    )
    // No clock movement: the burst's tail did not wait for a window.
    expect(result.burst).toEqual([2, 2, 1])
    expect(result.early).toEqual([2, 2, 1])
    expect(result.batches).toEqual([2, 2, 1, 1])
    // Each handler call is told what of the burst is still queued behind its batch.
    expect(result.queuedBehind).toEqual([3, 1, 0, 0])
  })
})

class Recorder extends Context.Service<Recorder, { readonly names: Array<string> }>()("test/Recorder") {}

describe("drain and unsubscribe", () => {
  test("drain delivers everything queued, lets handler cascades through, then refuses outside intake", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const seen: Array<string> = []
        yield* bus.subscribe(
          "market.ticker",
          (e) =>
            Effect.sync(() => seen.push(`t${e.payload.last}`)).pipe(
              // A handler publishing a follow-up while the bus drains: it must still be delivered.
              Effect.andThen(e.payload.last === 4 ? Effect.flatMap(signal(99), bus.publish) : Effect.void),
            ),
          { name: "t" },
        )
        yield* bus.subscribe("signal.emitted", (e) => Effect.sync(() => seen.push(`s${e.payload.score}`)), {
          name: "s",
        })
        for (let i = 0; i < 5; i++) yield* bus.publish(yield* ticker(i))
        yield* bus.drain("2 seconds")
        const refused = yield* Effect.exit(bus.publish(yield* ticker(5)))
        return { seen, refused }
      }),
    )
    expect(result.seen).toEqual(["t0", "t1", "t2", "t3", "t4", "s99"])
    expect(Exit.isFailure(result.refused)).toBe(true)
  })

  test(
    "closing the subscriber's scope unsubscribes it after its queued events; handlers keep " + "their services",
    async () => {
      const result = await runBus(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const names: Array<string> = []
          const scope = yield* Scope.make()
          yield* bus
            .subscribe(
              "signal.emitted",
              (e) => Effect.flatMap(Recorder, (r) => Effect.sync(() => r.names.push(String(e.payload.score)))),
              {
                name: "scoped",
              },
            )
            .pipe(Effect.provideService(Recorder, { names }), Scope.provide(scope))
          yield* bus.publish(yield* signal(1))
          yield* Scope.close(scope, Exit.void)
          yield* bus.publish(yield* signal(2))
          return { names, subscribers: (yield* bus.stats).subscribers.length }
        }),
      )
      expect(result.names).toEqual(["1"])
      expect(result.subscribers).toBe(0)
    },
  )

  test("the layer's finalizer drains queued events before the scope ends", async () => {
    const seen: Array<number> = []
    await Effect.runPromise(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const fiber = yield* Effect.forkChild(Effect.never)
        yield* Fiber.interrupt(fiber)
        yield* bus.subscribe("signal.emitted", (e) => Effect.sync(() => seen.push(e.payload.score)), { name: "late" })
        for (let i = 0; i < 100; i++) yield* bus.publish(yield* signal(i))
      }).pipe(Effect.scoped, Effect.provide(Layer.fresh(EventBus.layer))),
    )
    expect(seen.length).toBe(100)
  })
})
