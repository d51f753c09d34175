/**
 * The live store folds market rows on its own schedule (every `foldEvery`, rows older than
 * `foldAfter`), apart from the hourly tiering job: a recorded store is replay-ready, and every
 * event reads back once, in order, across passes.
 */
import { expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { join } from "node:path"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore, layerEventPipeline, type StoreOptions } from "../../../core/store/index.ts"
import { tempDir } from "./support.ts"

const T0 = Date.parse("2026-03-10T12:00:00.000Z")

/** Books and trade batches of two symbols, 100 ms apart from `start`. */
const marketEvents = (start: number, n: number, tag: string): ReadonlyArray<VirtuosoEvent> =>
  Array.from({ length: n }, (_, i) => {
    const symbol = i % 2 === 0 ? "BTC/USDT" : "ETH/USDT"
    const time = start + i * 100
    return i % 4 < 2
      ? {
          id: `${tag}-book-${i}`,
          type: "market.orderbook" as const,
          version: 1,
          time,
          source: "market",
          payload: { symbol, exchange: "sim", time, bids: [[100 + i / 100, 1]], asks: [[101 + i / 100, 2]] },
        }
      : {
          id: `${tag}-trades-${i}`,
          type: "market.trades" as const,
          version: 1,
          time,
          source: "market",
          payload: { symbol, trades: [{ id: `${tag}-${i}`, time, price: 100.5, amount: 0.25, side: "buy" }] },
        }
  })

const counts = (path: string) => {
  const db = new Database(path, { readonly: true })
  const rows = (db.query("SELECT count(*) AS n FROM market_events").get() as { n: number }).n
  const folded = (db.query("SELECT coalesce(sum(count), 0) AS n FROM market_blocks").get() as { n: number }).n
  db.close()
  return { rows, folded }
}

/**
 * Runs `body` on a pipeline built with the TestClock already at T0: the fold job's sleeps start
 * there (a jump from 0 to T0 would run a pass for every minute in between).
 */
const atT0 = <A, E>(body: Effect.Effect<A, E, EventStore>, options: StoreOptions) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* body.pipe(Effect.scoped, Effect.provide(layerEventPipeline(options)))
    }).pipe(Effect.provide(TestClock.layer())),
  )

test("market rows older than foldAfter are folded every foldEvery, each event kept once, in order", async () => {
  const path = join(tempDir(), "events.db")
  const first = marketEvents(T0, 40, "a")
  const second = marketEvents(T0 + 3 * 60_000, 30, "b")
  const r = await atT0(
    Effect.gen(function* () {
      const store = yield* EventStore
      yield* store.append(first)
      // A minute on: the rows (T0 … T0 + 4 s) are younger than a minute at the pass.
      yield* TestClock.adjust("1 minute")
      const young = counts(path)
      yield* TestClock.adjust("1 minute")
      const aged = counts(path)
      yield* TestClock.setTime(T0 + 3 * 60_000)
      yield* store.append(second)
      yield* TestClock.adjust("2 minutes")
      const again = counts(path)
      const page = yield* store.query({ order: "asc", limit: 1000 })
      return { young, aged, again, ids: page.events.map((e) => e.id) }
    }),
    // The hourly tiering job out of the way: only the fold job runs.
    { path, compactEvery: "3650 days" },
  )
  expect(r.young).toEqual({ rows: 40, folded: 0 })
  expect(r.aged).toEqual({ rows: 0, folded: 40 })
  expect(r.again).toEqual({ rows: 0, folded: 70 })
  expect(r.ids).toEqual([...first, ...second].map((e) => e.id))
})

test("foldEvery far out: rows stay as recorded until the tiering job or a replay folds them", async () => {
  const path = join(tempDir(), "events.db")
  const r = await atT0(
    Effect.gen(function* () {
      const store = yield* EventStore
      yield* store.append(marketEvents(T0, 20, "a"))
      yield* TestClock.adjust("10 minutes")
      return counts(path)
    }),
    { path, compactEvery: "3650 days", foldEvery: "3650 days" },
  )
  expect(r).toEqual({ rows: 20, folded: 0 })
})
