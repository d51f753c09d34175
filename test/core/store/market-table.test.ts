/**
 * Market inputs in their own lean table: one commit order with the other events, queries and
 * cursors across both tables, and tiering that moves both (books and trades as columns in the
 * day files) without losing or reordering anything.
 */
import { expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore, type StoredEvent } from "../../../core/store/index.ts"
import { DAY, runPipelineTestClock, tempDir } from "./support.ts"

const T0 = Date.parse("2026-03-10T12:00:00.000Z")

const book = (i: number, symbol: string): VirtuosoEvent => ({
  id: `BOOK-${i}`,
  type: "market.orderbook",
  version: 1,
  time: T0 + i,
  source: "market",
  payload: {
    symbol,
    exchange: "sim",
    time: T0 + i,
    bids: [
      [100 + i / 100, 1.25],
      [99.99, 3],
    ],
    asks: [[100.5 + i / 100, 0.5]],
  },
})
const trades = (i: number, symbol: string): VirtuosoEvent => ({
  id: `TRADES-${i}`,
  type: "market.trades",
  version: 1,
  time: T0 + i,
  source: "market",
  payload: { symbol, trades: [{ id: String(1000 + i), time: T0 + i, price: 100.01, amount: 0.5, side: "buy" }] },
})
const signal = (i: number, symbol: string): VirtuosoEvent => ({
  id: `SIGNAL-${i}`,
  type: "signal.emitted",
  version: 1,
  time: T0 + i,
  source: "signals",
  payload: { symbol, direction: "long", score: 70 + i },
})

// Times repeat across types (i and i + 1 share some), so the (time, seq) order is exercised.
const EVENTS: ReadonlyArray<VirtuosoEvent> = Array.from({ length: 30 }, (_, i) => {
  const symbol = i % 3 === 0 ? "ETH/USDT" : "BTC/USDT"
  const t = Math.floor(i / 2)
  return [book, trades, signal][i % 3]!(t, symbol)
}).map((e, i) => ({ ...e, id: `${e.id}-${i}` }))

const walk = (store: EventStore["Service"], order: "asc" | "desc", extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const out: Array<StoredEvent> = []
    let cursor: string | undefined
    do {
      const page = yield* store.query({ order, limit: 4, ...extra, ...(cursor === undefined ? {} : { cursor }) })
      out.push(...page.events)
      cursor = page.nextCursor
    } while (cursor !== undefined)
    return out.map((e) => e.id)
  })

const expected = (keep: (e: VirtuosoEvent) => boolean) =>
  EVENTS.map((e, seq) => ({ e, seq }))
    .filter(({ e }) => keep(e))
    .sort((a, b) => a.e.time - b.e.time || a.seq - b.seq)
    .map(({ e }) => e.id)

test("market rows sit in market_events; queries merge both tables in (time, seq) order with cursors", async () => {
  const path = join(tempDir(), "events.db")
  const r = await Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* EventStore
      yield* store.append(EVENTS)
      return {
        asc: yield* walk(store, "asc"),
        desc: yield* walk(store, "desc"),
        market: yield* walk(store, "asc", { type: "market.*" }),
        eth: yield* walk(store, "asc", { symbol: "ETH/USDT" }),
        books: yield* walk(store, "desc", { type: "market.orderbook", from: T0 + 3, to: T0 + 12 }),
        all: yield* store.query({ limit: 1000 }),
      }
    }).pipe(Effect.scoped, Effect.provide(EventStore.layer({ path, ringSize: 0 }))),
  )
  expect(r.asc).toEqual(expected(() => true))
  expect(r.desc).toEqual(expected(() => true).reverse())
  expect(r.market).toEqual(expected((e) => e.type.startsWith("market.")))
  expect(r.eth).toEqual(expected((e) => (e.payload as { symbol: string }).symbol === "ETH/USDT"))
  expect(r.books).toEqual(
    expected((e) => e.type === "market.orderbook" && e.time >= T0 + 3 && e.time < T0 + 12).reverse(),
  )
  const byId = new Map(r.all.events.map((e) => [e.id, e]))
  for (const e of EVENTS) expect(byId.get(e.id)?.payload).toEqual(e.payload)

  const db = new Database(path, { readonly: true })
  const count = (table: string) => (db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  expect(count("market_events")).toBe(20)
  expect(count("events")).toBe(10)
  db.close()
})

test("tiering moves market rows to the day files too; they read back the same, in order", async () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  const options = { path, ringSize: 0, compactEvery: "3650 days", foldEvery: "3650 days" } as const
  await Effect.runPromise(
    Effect.gen(function* () {
      yield* (yield* EventStore).append(EVENTS)
    }).pipe(Effect.scoped, Effect.provide(EventStore.layer(options))),
  )
  const r = await runPipelineTestClock(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0 + 2 * DAY)
      const store = yield* EventStore
      const result = yield* store.compact
      return { result, asc: yield* walk(store, "asc"), all: yield* store.query({ limit: 1000 }) }
    }),
    options,
  )
  expect(r.result.moved).toBe(EVENTS.length)
  expect(r.asc).toEqual(expected(() => true))
  const byId = new Map(r.all.events.map((e) => [e.id, e]))
  for (const e of EVENTS) expect(byId.get(e.id)?.payload).toEqual(e.payload)
  // Books and trades are written in their column form.
  const [file] = readdirSync(join(dir, "warm"))
  const lines = gunzipSync(readFileSync(join(dir, "warm", file!)))
    .toString()
    .trim()
    .split("\n")
  const forms = lines.map((l) => JSON.parse(l) as { type: string; payload: unknown })
  expect(forms.filter((f) => f.type !== "signal.emitted").every((f) => Array.isArray(f.payload))).toBe(true)
})
