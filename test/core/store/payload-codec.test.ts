/**
 * Compact payloads: books and trades deflated on disk in the market table, read back as the same
 * typed payloads, beside the rows of a store written before either existed.
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
