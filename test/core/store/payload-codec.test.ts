/**
 * Compact payloads: books and trades packed on disk in the market table, read back as the same
 * typed payloads, beside the rows of stores written by earlier builds (plain JSON; deflated columns).
 */
import { expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { copyFileSync } from "node:fs"
import { join } from "node:path"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { tempDir } from "./support.ts"

const FIXTURE = join(import.meta.dir, "../../fixtures/store/v1-plain-json.db")

const book: VirtuosoEvent = {
  id: "NEW-BOOK",
  type: "market.orderbook",
  version: 1,
  time: 1_700_000_100_000,
  source: "test",
  payload: {
    symbol: "BTC/USDT",
    exchange: "sim",
    time: 1_700_000_100_000,
    bids: Array.from({ length: 20 }, (_, i) => [43_000.1 - i * 0.1, 0.1 + i / 3] as [number, number]),
    asks: Array.from({ length: 20 }, (_, i) => [43_000.2 + i * 0.1, 1e-8 * (i + 1)] as [number, number]),
  },
}
const trades: VirtuosoEvent = {
  id: "NEW-TRADES",
  type: "market.trades",
  version: 1,
  time: 1_700_000_100_001,
  source: "test",
  payload: {
    symbol: "BTC/USDT",
    trades: [{ id: "x", time: 1_700_000_100_001, price: 0.1 + 0.2, amount: 3, side: "sell" }],
  },
}

const readAll = (path: string, dir: string) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* EventStore
      yield* store.append([book, trades])
      return yield* store.query({ limit: 1000 })
    }).pipe(Effect.scoped, Effect.provide(EventStore.layer({ path, warmDir: join(dir, "warm") }))),
  )

test("a store written with plain-JSON payloads opens, reads, and takes deflated rows beside them", async () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  copyFileSync(FIXTURE, path)
  // Read the copy, never the fixture itself: opening a WAL database leaves -shm/-wal files beside it.
  const before = new Database(path)
  const oldRows = before.query("SELECT id, payload FROM events ORDER BY seq").all() as Array<{
    id: string
    payload: string
  }>
  before.close()
  expect(oldRows.length).toBe(5)

  const page = await readAll(path, dir)
  const byId = new Map(page.events.map((e) => [e.id, e]))
  for (const row of oldRows) expect(byId.get(row.id)?.payload).toEqual(JSON.parse(row.payload))
  expect(byId.get("NEW-BOOK")?.payload).toEqual(book.payload)
  expect(byId.get("NEW-TRADES")?.payload).toEqual(trades.payload)

  const db = new Database(path, { readonly: true })
  // Old rows stay in `events`; new market inputs go to the lean `market_events` table.
  const kinds = db
    .query("SELECT id, typeof(payload) AS kind FROM events UNION ALL SELECT id, typeof(payload) FROM market_events")
    .all() as Array<{ id: string; kind: string }>
  const market = db.query("SELECT id FROM market_events ORDER BY seq").all() as Array<{ id: string }>
  db.close()
  const kind = new Map(kinds.map((k) => [k.id, k.kind]))
  expect(kind.get("V1-2")).toBe("text")
  expect(kind.get("NEW-BOOK")).toBe("blob")
  expect(kind.get("NEW-TRADES")).toBe("blob")
  expect(market.map((r) => r.id)).toEqual(["NEW-BOOK", "NEW-TRADES"])
})

const FIXTURE_V2 = join(import.meta.dir, "../../fixtures/store/v2-deflated-columns.db")
const V2_EVENTS = (await Bun.file(FIXTURE_V2.replace(/\.db$/, ".json")).json()) as Array<VirtuosoEvent>
// On a tick and a lot, as exchanges quote them: these pack.
const tickBook = {
  ...book,
  id: "TICK-BOOK",
  payload: {
    ...book.payload,
    bids: Array.from({ length: 20 }, (_, i) => [(430_001 - i) / 10, 0.5 + i] as [number, number]),
    asks: [[43_000.2, 0.5]],
  },
} as VirtuosoEvent
const lotTrades = {
  ...trades,
  id: "LOT-TRADES",
  payload: { symbol: "BTC/USDT", trades: [{ id: "8", time: 1_700_000_100_001, price: 0.3, amount: 3, side: "sell" }] },
} as VirtuosoEvent

const OLD_ROWS = "a store with deflated column rows opens; queries and the replay scan read them beside new packed rows"
test(OLD_ROWS, async () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  copyFileSync(FIXTURE_V2, path)
  const { page, scanned } = await Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* EventStore
      yield* store.append([tickBook, lotTrades])
      const page = yield* store.query({ limit: 1000 })
      const scanned = [...store.scan({ type: "market.*" })].map((e) => ({ id: e.id, payload: e.payload }))
      return { page, scanned }
    }).pipe(Effect.scoped, Effect.provide(EventStore.layer({ path, warmDir: join(dir, "warm") }))),
  )
  const expected = [...V2_EVENTS, tickBook, lotTrades].map((e) => ({ id: e.id, payload: e.payload }))
  expect(scanned).toEqual(expected)
  const byId = new Map(page.events.map((e) => [e.id, e]))
  for (const e of expected) expect(byId.get(e.id)?.payload).toEqual(e.payload)

  const db = new Database(path, { readonly: true })
  const rows = db.query("SELECT id, payload FROM market_events ORDER BY seq").all() as Array<{
    id: string
    payload: string | Uint8Array
  }>
  db.close()
  const form = (p: string | Uint8Array) => (typeof p === "string" ? "text" : p[0] === 0xff ? "packed" : "deflated")
  expect(rows.map((r) => `${r.id} ${form(r.payload)}`)).toEqual([
    "V2-1 deflated",
    "V2-2 deflated",
    "V2-3 deflated",
    "V2-4 deflated",
    "V2-5 deflated",
    "V2-6 text",
    "V2-7 text",
    "TICK-BOOK packed",
    "LOT-TRADES packed",
  ])
})
