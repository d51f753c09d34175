/** The bus's dead-letter queue kept in the event store: it survives restarts; list/replay as before. */
import { describe, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Deferred, Effect, Schedule } from "effect"
import { join } from "node:path"
import { EventBus, makeEvent } from "../../../core/events/index.ts"
import { layerEventPipeline } from "../../../core/store/index.ts"
import { tempDir } from "./support.ts"

const signal = (score: number) =>
  makeEvent("signal.emitted", { symbol: "BTC/USDT", direction: "long", score }, { source: "test" })

const run = <A, E>(
  path: string,
  effect: Effect.Effect<A, E, EventBus | import("effect").Scope.Scope>,
  deadLetterCapacity?: number,
) =>
  Effect.runPromise(
    Effect.scoped(effect).pipe(
      Effect.provide(layerEventPipeline({ path }, deadLetterCapacity === undefined ? {} : { deadLetterCapacity })),
    ),
  )

/** One run whose "alerts" handler fails every call: `n` signals end in the DLQ. */
const failRun = (path: string, n: number, deadLetterCapacity?: number) =>
  run(
    path,
    Effect.gen(function* () {
      const bus = yield* EventBus
      yield* bus.subscribe("signal.emitted", () => Effect.fail("webhook down"), {
        name: "alerts",
        retry: Schedule.recurs(1),
      })
      const events = yield* Effect.forEach(
        Array.from({ length: n }, (_, i) => i),
        signal,
      )
      yield* bus.publishAll(events)
      yield* bus.drain("2 seconds")
      return { ids: events.map((e) => e.id), letters: yield* bus.deadLetters.list() }
    }),
    deadLetterCapacity,
  )

const listRun = (path: string) =>
  run(
    path,
    Effect.flatMap(EventBus, (bus) => bus.deadLetters.list()),
  )

describe("dead letters in the store", () => {
  test(
    "survive a restart with their seq, subscriber, event, " + "error and attempts; replay empties them for good",
    async () => {
      const path = join(tempDir(), "events.db")
      const first = await failRun(path, 3)
      expect(first.letters.map((l) => l.event.id)).toEqual(first.ids)

      const after = await listRun(path)
      expect(after.map((l) => ({ ...l, event: l.event.id }))).toEqual(
        first.letters.map((l) => ({ ...l, event: l.event.id })),
      )
      expect(after[0].event).toEqual(first.letters[0].event)
      expect(after[0].attempts).toBe(2)
      expect(after[0].error).toContain("webhook down")

      const replay = await run(
        path,
        Effect.gen(function* () {
          const bus = yield* EventBus
          const got: Array<string> = []
          const done = yield* Deferred.make<void>()
          yield* bus.subscribe(
            "signal.emitted",
            (e) => Effect.suspend(() => (got.push(e.id) === 3 ? Deferred.succeed(done, undefined) : Effect.void)),
            { name: "alerts" },
          )
          const replayed = yield* bus.deadLetters.replay({ subscriber: "alerts" })
          yield* Deferred.await(done)
          return { replayed, got, left: yield* bus.deadLetters.list() }
        }),
      )
      expect(replay.replayed).toBe(3)
      expect(replay.got).toEqual(first.ids)
      expect(replay.left).toEqual([])
      expect(await listRun(path)).toEqual([])
    },
  )

  test("seqs keep growing across replays and restarts; letters of an absent subscriber stay as they are", async () => {
    const path = join(tempDir(), "events.db")
    const a = await failRun(path, 2)
    const b = await failRun(path, 1)
    const seqs = [...a.letters, ...b.letters.slice(2)].map((l) => l.seq)
    expect(b.letters.map((l) => l.seq)).toEqual(seqs)
    expect(new Set(seqs).size).toBe(3)
    // Nobody named "alerts" is subscribed: replay delivers nothing and keeps every entry.
    const kept = await run(
      path,
      Effect.gen(function* () {
        const bus = yield* EventBus
        return { replayed: yield* bus.deadLetters.replay(), list: yield* bus.deadLetters.list() }
      }),
    )
    expect(kept.replayed).toBe(0)
    expect(kept.list.map((l) => l.seq)).toEqual(seqs)
    // Replay them all, then fail a new one: its seq is above every earlier one.
    await run(
      path,
      Effect.gen(function* () {
        const bus = yield* EventBus
        yield* bus.subscribe("signal.emitted", () => Effect.void, { name: "alerts" })
        yield* bus.deadLetters.replay()
        yield* bus.drain("1 second")
      }),
    )
    const c = await failRun(path, 1)
    expect(c.letters.length).toBe(1)
    expect(c.letters[0].seq).toBeGreaterThan(Math.max(...seqs))
  })

  test("the queue's capacity bounds the table too: evicted entries are gone after a restart", async () => {
    const path = join(tempDir(), "events.db")
    const first = await failRun(path, 5, 3)
    expect(first.letters.map((l) => l.event.id)).toEqual(first.ids.slice(2))
    const db = new Database(path, { readonly: true })
    const rows = db.query("SELECT event_id AS id FROM dead_letters ORDER BY seq").all() as Array<{ id: string }>
    db.close()
    expect(rows.map((r) => r.id)).toEqual(first.ids.slice(2))
    expect((await listRun(path)).map((l) => l.event.id)).toEqual(first.ids.slice(2))
    // Entries written by the earlier run are evicted from the table as well.
    const second = await failRun(path, 2, 3)
    const expected = [first.ids[4], ...second.ids]
    expect(second.letters.map((l) => l.event.id)).toEqual(expected)
    const db2 = new Database(path, { readonly: true })
    const rows2 = db2.query("SELECT event_id AS id FROM dead_letters ORDER BY seq").all() as Array<{ id: string }>
    db2.close()
    expect(rows2.map((r) => r.id)).toEqual(expected)
  })

  test("a flood of dead letters (open circuit) is written in batches and all of it survives the restart", async () => {
    const path = join(tempDir(), "events.db")
    const n = 3000
    const ids = await run(
      path,
      Effect.gen(function* () {
        const bus = yield* EventBus
        yield* bus.subscribe("market.trades", () => Effect.fail("down"), {
          name: "open",
          retry: Schedule.recurs(0),
          breaker: { failureThreshold: 1, resetAfterMs: 3_600_000 },
        })
        const events = yield* Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          () => makeEvent("market.trades", { symbol: "X", trades: [] }, { source: "test" }),
        )
        yield* bus.publishAll(events)
        yield* bus.drain("5 seconds")
        return events.map((e) => e.id)
      }),
      10_000,
    )
    const letters = await listRun(path)
    expect(letters.map((l) => l.event.id)).toEqual(ids)
    expect(letters.slice(1).every((l) => l.error === "circuit open")).toBe(true)
  })
})
