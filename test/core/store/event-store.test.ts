/** Append after commit, query filters and cursors, replay through the bus, failure and drain. */
import { describe, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Deferred, Effect, Exit } from "effect"
import { join } from "node:path"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../../core/events/index.ts"
import { EventQuery, EventStore, layerEventPipeline, REPLAY_DEAD_LETTERS } from "../../../core/store/index.ts"
import { runPipeline, signalAt, tempDir } from "./support.ts"

const signal = (symbol: string, correlationId?: string) =>
  makeEvent("signal.emitted", { symbol, direction: "long", score: 80 }, { source: "test", correlationId })

describe("append", () => {
  test(
    "a durable publish resolves after commit (visible " + "to another connection); snapshots are not stored",
    async () => {
      const path = join(tempDir(), "events.db")
      const result = await runPipeline(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const a = yield* signal("BTC/USDT", "c1")
          const b = yield* signal("ETH/USDT")
          const t = yield* makeEvent("market.ticker", { symbol: "BTC/USDT", time: 1, last: 2 }, { source: "test" })
          yield* bus.publishAll([a, t, b])
          const other = new Database(path, { readonly: true })
          const ids = (other.query("SELECT id FROM events ORDER BY seq").all() as Array<{ id: string }>).map(
            (r) => r.id,
          )
          other.close()
          return { ids, expected: [a.id, b.id] }
        }),
        { path },
      )
      expect(result.ids).toEqual(result.expected)
    },
  )

  test("re-publishing the same events stores them once", async () => {
    const path = join(tempDir(), "events.db")
    const stats = await runPipeline(
      Effect.gen(function* () {
        const store = yield* EventStore
        const events = yield* Effect.forEach([1, 2, 3], (i) => signalAt(i))
        yield* store.append(events)
        yield* store.append([events[1], events[2], events[0]])
        return { stats: yield* store.stats, page: yield* store.query({}) }
      }),
      { path },
    )
    expect(stats.page.events.length).toBe(3)
    expect(stats.stats.committed).toBe(3)
    expect(stats.stats.duplicates).toBe(3)
  })

  test("a failed commit fails the publish with persist-failed and the event is not dispatched", async () => {
    const path = join(tempDir(), "events.db")
    const result = await runPipeline(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const got: Array<string> = []
        yield* bus.subscribe("signal.emitted", (e) => Effect.sync(() => got.push(e.id)), { name: "s" })
        // Break the database under the store: a real SQLite error on the next insert.
        const other = new Database(path)
        other.exec("DROP TABLE events")
        other.close()
        const exit = yield* Effect.exit(bus.publish(yield* signal("BTC/USDT")))
        yield* bus.drain("1 second")
        return { exit, got }
      }),
      { path },
    )
    expect(Exit.isFailure(result.exit)).toBe(true)
    if (Exit.isFailure(result.exit)) expect(JSON.stringify(result.exit.cause)).toContain("persist-failed")
    expect(result.got).toEqual([])
  })

  test("closing the scope commits everything acknowledged and closes the database cleanly", async () => {
    const path = join(tempDir(), "events.db")
    const acked: Array<string> = []
    await runPipeline(
      Effect.gen(function* () {
        const bus = yield* EventBus
        for (let batch = 0; batch < 20; batch++) {
          const events = yield* Effect.forEach(
            Array.from({ length: 500 }, (_, i) => i),
            (i) => signalAt(batch * 500 + i),
          )
          yield* bus.publishAll(events)
          acked.push(...events.map((e) => e.id))
        }
      }),
      { path },
    )
    const db = new Database(path, { readonly: true })
    const n = (db.query("SELECT count(*) AS n FROM events").get() as { n: number }).n
    const integrity = (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check
    db.close()
    expect(n).toBe(acked.length)
    expect(integrity).toBe("ok")
  })
})

describe("query", () => {
  const seed = (path: string) =>
    runPipeline(
      Effect.gen(function* () {
        const store = yield* EventStore
        const events: Array<VirtuosoEvent> = []
        for (let i = 0; i < 25; i++)
          events.push(yield* signalAt(1_000 + i, i % 2 ? "ETH/USDT" : "BTC/USDT", i % 5 === 0 ? "corr" : undefined))
        events.push((yield* makeEvent("plugin.loaded", { plugin: "rsi" }, { source: "test" })) as VirtuosoEvent)
        yield* store.append(
          events.map((e, i) => (e.type === "plugin.loaded" ? { ...e, time: 1_010 } : e)) as Array<VirtuosoEvent>,
        )
        return events
      }),
      { path, ringSize: 0 },
    )

  test("filters by type, prefix, symbol, time range and correlation id", async () => {
    const path = join(tempDir(), "events.db")
    await seed(path)
    const r = await runPipeline(
      Effect.gen(function* () {
        const store = yield* EventStore
        return {
          plugins: yield* store.query({ type: "plugin.*" }),
          signals: yield* store.query({ type: "signal.emitted", limit: 1000 }),
          eth: yield* store.query({ symbol: "ETH/USDT", limit: 1000 }),
          range: yield* store.query({ from: 1_005, to: 1_010 }),
          corr: yield* store.query({ correlationId: "corr" }),
        }
      }),
      { path },
    )
    expect(r.plugins.events.map((e) => e.type)).toEqual(["plugin.loaded"])
    expect(r.signals.events.length).toBe(25)
    expect(r.eth.events.length).toBe(12)
    expect(r.range.events.map((e) => e.time)).toEqual([1_005, 1_006, 1_007, 1_008, 1_009])
    expect(r.corr.events.map((e) => e.time)).toEqual([1_000, 1_005, 1_010, 1_015, 1_020])
  })

  test("cursor pagination walks every event once, in both orders", async () => {
    const path = join(tempDir(), "events.db")
    await seed(path)
    const walk = (order: "asc" | "desc") =>
      runPipeline(
        Effect.gen(function* () {
          const store = yield* EventStore
          const times: Array<number> = []
          let cursor: string | undefined
          let pages = 0
          do {
            const page = yield* store.query({ order, limit: 7, ...(cursor === undefined ? {} : { cursor }) })
            times.push(...page.events.map((e) => e.time))
            cursor = page.nextCursor
            pages++
          } while (cursor !== undefined)
          return { times, pages }
        }),
        { path },
      )
    const asc = await walk("asc")
    const desc = await walk("desc")
    expect(asc.times.length).toBe(26)
    expect(asc.pages).toBe(4)
    expect([...asc.times].sort((a, b) => a - b)).toEqual(asc.times)
    expect(desc.times).toEqual([...asc.times].reverse())
  })

  test("the query shape coerces query strings and rejects bad input; a bad cursor is a typed error", async () => {
    expect(EventQuery.parse({ limit: "5", from: "2026-01-01T00:00:00Z" })).toMatchObject({
      limit: 5,
      from: Date.parse("2026-01-01T00:00:00Z"),
      order: "asc",
    })
    expect(EventQuery.safeParse({ limit: "0" }).success).toBe(false)
    expect(EventQuery.safeParse({ from: "yesterday-ish" }).success).toBe(false)
    expect(EventQuery.safeParse({ bogus: 1 }).success).toBe(false)
    const path = join(tempDir(), "events.db")
    const error = await runPipeline(
      Effect.flatMap(EventStore, (s) => Effect.flip(s.query({ cursor: "nope" }))),
      { path },
    )
    expect(error.reason).toBe("bad-cursor")
  })
})

describe("replay", () => {
  test(
    "a stored range is re-delivered through the bus flagged " + "replayed, with original ids, and not stored again",
    async () => {
      const path = join(tempDir(), "events.db")
      const r = await runPipeline(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const store = yield* EventStore
          const events = yield* Effect.forEach([10, 20, 30, 40], (t) => signalAt(t))
          yield* bus.publishAll(events)
          const seen: Array<{ id: string; replayed: boolean }> = []
          const three = yield* Deferred.make<void>()
          yield* bus.subscribe(
            "signal.emitted",
            (e) =>
              Effect.sync(() => seen.push({ id: e.id, replayed: e.replayed === true })).pipe(
                Effect.andThen(
                  Effect.suspend(() => (seen.length === 3 ? Deferred.succeed(three, undefined) : Effect.void)),
                ),
              ),
            { name: "backtest" },
          )
          const count = yield* store.replay({ from: 20, to: 50 }, { pageSize: 2 })
          yield* Deferred.await(three)
          return { count, seen, ids: events.slice(1).map((e) => e.id), stats: yield* store.stats }
        }),
        { path },
      )
      expect(r.count).toBe(3)
      expect(r.seen).toEqual(r.ids.map((id) => ({ id, replayed: true })))
      expect(r.stats.committed).toBe(4)
    },
  )

  test(
    "a stored event whose payload fails its schema is " + "dead-lettered with the decode error, the rest replayed",
    async () => {
      const path = join(tempDir(), "events.db")
      const ids = await runPipeline(
        Effect.gen(function* () {
          const events = yield* Effect.forEach([10, 20, 30], (t) => signalAt(t))
          yield* (yield* EventBus).publishAll(events)
          return events.map((e) => e.id)
        }),
        { path },
      )
      // A row the current catalogue cannot read: its score is text.
      const db = new Database(path)
      db.query("UPDATE events SET payload = ? WHERE id = ?").run(
        JSON.stringify({ symbol: "BTC/USDT", direction: "long", score: "high" }),
        ids[1]!,
      )
      db.close()
      const r = await runPipeline(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const seen: Array<string> = []
          const two = yield* Deferred.make<void>()
          yield* bus.subscribe(
            "signal.emitted",
            (e) =>
              Effect.sync(() => seen.push(e.id)).pipe(
                Effect.andThen(
                  Effect.suspend(() => (seen.length === 2 ? Deferred.succeed(two, undefined) : Effect.void)),
                ),
              ),
            { name: "backtest" },
          )
          const count = yield* (yield* EventStore).replay({ from: 0, to: 100 })
          yield* Deferred.await(two)
          return { count, seen, letters: yield* bus.deadLetters.list({ subscriber: REPLAY_DEAD_LETTERS }) }
        }),
        { path },
      )
      expect(r.count).toBe(2)
      expect(r.seen).toEqual([ids[0], ids[2]])
      expect(r.letters.map((l) => l.event.id)).toEqual([ids[1]])
      expect(r.letters[0]!.error).toContain(`stored event ${ids[1]}: signal.emitted:`)
      expect(r.letters[0]!.error).toContain("score")
    },
  )
})

test("layerEventPipeline wires durability: stats say so", async () => {
  const path = join(tempDir(), "events.db")
  const durable = await Effect.runPromise(
    Effect.flatMap(EventBus, (bus) => bus.stats).pipe(Effect.scoped, Effect.provide(layerEventPipeline({ path }))),
  )
  expect(durable.durable).toBe(true)
})
