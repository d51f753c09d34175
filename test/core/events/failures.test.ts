/** Dead letters and their replay, the per-handler circuit breaker, and handler defects. */
import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { EventBus } from "../../../core/events/index.ts"
import { countdown, runBus, runBusTestClock, signal } from "./support.ts"

describe("dead-letter queue", () => {
  test("an event failing past its retries is dead-lettered with its attempts, and replay re-delivers it", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        let broken = true
        let calls = 0
        const healed = yield* Deferred.make<string>()
        yield* bus.subscribe(
          "signal.emitted",
          (e) =>
            Effect.gen(function* () {
              calls++
              if (broken) return yield* Effect.fail("downstream down")
              yield* Deferred.succeed(healed, e.id)
            }),
          { name: "alerts", retry: Schedule.recurs(2) },
        )
        const event = yield* signal(9)
        yield* bus.publish(event)
        yield* bus.drain("1 second").pipe(Effect.andThen(Effect.void))
        const letters = yield* bus.deadLetters.list()
        const callsBefore = calls
        broken = false
        const replayed = yield* bus.deadLetters.replay({ subscriber: "alerts" })
        const redelivered = yield* Deferred.await(healed)
        return { event, letters, callsBefore, replayed, redelivered, after: yield* bus.deadLetters.list() }
      }),
    )
    expect(result.letters.length).toBe(1)
    expect(result.letters[0].event.id).toBe(result.event.id)
    expect(result.letters[0].subscriber).toBe("alerts")
    expect(result.letters[0].attempts).toBe(3)
    expect(result.letters[0].error).toContain("downstream down")
    expect(result.callsBefore).toBe(3)
    expect(result.replayed).toBe(1)
    expect(result.redelivered).toBe(result.event.id)
    expect(result.after).toEqual([])
  })

  test("a handler that throws (defect) is dead-lettered and the worker keeps serving later events", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const later = yield* countdown(2)
        yield* bus.subscribe(
          "signal.emitted",
          (e) =>
            Effect.sync(() => {
              if (e.payload.score === 0) throw new Error("boom")
            }).pipe(Effect.andThen(later.hit)),
          { name: "throws" },
        )
        yield* bus.publishAll([yield* signal(0), yield* signal(1), yield* signal(2)])
        yield* Deferred.await(later.done)
        return yield* bus.deadLetters.list()
      }),
    )
    expect(result.map((l) => l.event.payload)).toMatchObject([{ score: 0 }])
    expect(result[0].error).toContain("boom")
  })
})

describe("circuit breaker per handler", () => {
  test("opens after consecutive failures and then dead-letters without calling the handler", async () => {
    const result = await runBusTestClock(
      Effect.gen(function* () {
        const bus = yield* EventBus
        let calls = 0
        yield* bus.subscribe("signal.emitted", () => Effect.suspend(() => (calls++, Effect.fail("down"))), {
          name: "webhook",
          retry: Schedule.recurs(0),
          breaker: { failureThreshold: 2, resetAfterMs: 10_000 },
        })
        for (let i = 0; i < 5; i++) yield* bus.publish(yield* signal(i))
        yield* bus.drain("1 second").pipe(Effect.andThen(Effect.void))
        const callsWhileOpen = calls
        const stats = yield* bus.stats
        const webhook = stats.subscribers.find((s) => s.name === "webhook")!
        const letters = yield* bus.deadLetters.list({ subscriber: "webhook" })
        return { callsWhileOpen, circuit: webhook.circuit, letters }
      }),
    )
    expect(result.callsWhileOpen).toBe(2)
    expect(result.circuit).toBe("open")
    const errors = result.letters.map((l) => l.error)
    expect(errors.length).toBe(5)
    expect(errors.slice(0, 2).every((e) => e.includes("down"))).toBe(true)
    expect(errors.slice(2)).toEqual(["circuit open", "circuit open", "circuit open"])
  })

  test("after the cool-down one trial call closes the circuit (TestClock)", async () => {
    const result = await runBusTestClock(
      Effect.gen(function* () {
        const bus = yield* EventBus
        let failing = true
        const states: Array<string> = []
        const closed = yield* Deferred.make<void>()
        yield* bus.subscribe(
          "circuit.changed",
          (e) =>
            Effect.sync(() => states.push(e.payload.state)).pipe(
              Effect.andThen(e.payload.state === "closed" ? Deferred.succeed(closed, undefined) : Effect.void),
            ),
          { name: "observer" },
        )
        const ok = yield* countdown(1)
        yield* bus.subscribe("signal.emitted", () => (failing ? Effect.fail("down") : ok.hit), {
          name: "webhook",
          retry: Schedule.recurs(0),
          breaker: { failureThreshold: 1, resetAfterMs: 10_000 },
        })
        yield* bus.publish(yield* signal(1))
        yield* TestClock.adjust("5 seconds")
        yield* bus.publish(yield* signal(2)) // still open: dead-lettered
        failing = false
        yield* TestClock.adjust("6 seconds")
        yield* bus.publish(yield* signal(3)) // half-open trial succeeds
        yield* Deferred.await(ok.done)
        yield* Deferred.await(closed)
        return { states, letters: (yield* bus.deadLetters.list()).map((l) => l.error) }
      }),
    )
    expect(result.states).toEqual(["open", "half-open", "closed"])
    expect(result.letters.length).toBe(2)
    expect(result.letters[1]).toBe("circuit open")
  })

  test("failures separated by successes do not add up to a trip", async () => {
    const result = await runBus(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const done = yield* countdown(6)
        yield* bus.subscribe(
          "signal.emitted",
          (e) => (e.payload.score % 2 === 0 ? Effect.fail("odd one out") : Effect.void).pipe(Effect.ensuring(done.hit)),
          { name: "sporadic", retry: Schedule.recurs(0), breaker: { failureThreshold: 2 } },
        )
        for (let i = 0; i < 6; i++) yield* bus.publish(yield* signal(i))
        yield* Deferred.await(done.done)
        yield* bus.drain("1 second")
        return yield* bus.stats
      }),
    )
    expect(result.subscribers[0].circuit).toBe("closed")
    expect(result.deadLetters).toBe(3)
  })
})
