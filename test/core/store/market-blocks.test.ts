/**
 * Market inputs folded into block rows (fold.ts): a store written before blocks existed (the v3
 * fixture, one row per event) opens, folds, and every reader — the replay scan, `query` (what
 * `GET /v1/events` serves), tiering to warm day files — answers as it did from the rows. A
 * coalesced scan (what a replay reads) leaves the market picture at every score as it was. Stores
 * whose blocks earlier builds wrote (formats 1 and 2: the v4 and v5 fixtures) open, read their
 * blocks as before, and fold new rows in the current form beside them.
 */
import { expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { copyFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { pushArrayTape as pushTape } from "../../support/array-tape.ts"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import type { Trade } from "../../../core/market-schema/index.ts"
import { EventStore, storedCount, type StoredEvent } from "../../../core/store/index.ts"
import { foldMarketRows } from "../../../core/store/fold.ts"
import { scanInSeqOrder } from "../../../core/store/seq-scan.ts"
import { tempDir } from "./support.ts"

const FIXTURE = join(import.meta.dir, "../../fixtures/store/v3-market-rows.db")
const EVENTS = (await Bun.file(FIXTURE.replace(/\.db$/, ".json")).json()) as Array<VirtuosoEvent>
const MARKET = EVENTS.filter((e) => e.type.startsWith("market."))
const BLOCK_TYPES = new Set(["market.orderbook", "market.trades", "market.ticker", "market.derivatives"])
/** Query order: (time, seq), seqs in append order. */
const BY_TIME = EVENTS.map((e, i) => ({ e, seq: i + 1 }))
  .sort((a, b) => a.e.time - b.e.time || a.seq - b.seq)
  .map((x) => x.e)

const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const
const copy = () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  copyFileSync(FIXTURE, path)
  return { dir, path }
}
const inStore = <A>(path: string, options: object, f: (store: EventStore["Service"]) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, f)).pipe(
      Effect.provide(EventStore.layer({ path, ...keepAll, ...options })),
    ),
  )
const plain = (events: Iterable<VirtuosoEvent>) =>
  [...events].map((e) => ({ id: e.id, type: e.type, payload: e.payload }))

/** Every page of a query, following its cursor. */
const allPages = (store: EventStore["Service"], query: Record<string, unknown>) =>
  Effect.gen(function* () {
    const out: Array<StoredEvent> = []
    let cursor: string | undefined
    do {
      const page = yield* store.query({ ...query, ...(cursor === undefined ? {} : { cursor }) })
      out.push(...page.events)
      cursor = page.nextCursor
    } while (cursor !== undefined)
    return out
  })

/** The market picture (each symbol's book, tape — 8 trades at most —, tickers, derivatives) at every score. */
const pictures = (events: Iterable<VirtuosoEvent>): Array<string> => {
  const books = new Map<string, unknown>()
  const tapes = new Map<string, Array<Trade>>()
  const others = new Map<string, Array<unknown>>()
  const out: Array<string> = []
  const snapshot = (at: string) =>
    out.push(JSON.stringify({ at, books: [...books], tapes: [...tapes], o: [...others] }))
  for (const e of events) {
    if (e.type === "market.orderbook") books.set(e.payload.symbol, e.payload)
    else if (e.type === "market.trades") {
      const tape = tapes.get(e.payload.symbol) ?? []
      pushTape(tape, e.payload.trades, 8)
      tapes.set(e.payload.symbol, tape)
    } else if (e.type === "market.ticker" || e.type === "market.derivatives") {
      others.set(e.payload.symbol, [...(others.get(e.payload.symbol) ?? []), e.payload])
    } else snapshot(e.id)
  }
  snapshot("end")
  return out
}

test("a store written before blocks opens, folds its market rows and reads every event as before", async () => {
  const { dir, path } = copy()
  const result = await inStore(path, { warmDir: join(dir, "warm"), foldAfter: 0 }, (store) =>
    Effect.gen(function* () {
      const compacted = yield* store.compact
      return {
        compacted,
        scanned: [...store.scan({ type: "market.*" })],
        asc: yield* allPages(store, { limit: 100 }),
        desc: yield* allPages(store, { order: "desc", limit: 70 }),
        eth: yield* allPages(store, { type: "market.trades", symbol: "ETH/USDT", from: EVENTS[200]!.time, limit: 9 }),
        books: yield* store.query({ type: "market.orderbook", limit: 5, order: "desc" }),
      }
    }),
  )
  const folded = MARKET.filter((e) => BLOCK_TYPES.has(e.type))
  expect(result.compacted.folded).toBe(folded.length)
  const db = new Database(path, { readonly: true })
  const left = db.query("SELECT DISTINCT type FROM market_events").all() as Array<{ type: string }>
  const blocks = db.query("SELECT count(*) AS n, sum(count) AS events FROM market_blocks").get() as {
    n: number
    events: number
  }
  db.close()
  expect(left.map((r) => r.type).some((t) => BLOCK_TYPES.has(t))).toBe(false)
  expect(blocks.events).toBe(folded.length)
  // A block per symbol per stretch between candles (three), not one per event.
  expect(blocks.n).toBeLessThan(20)

  expect(plain(result.scanned)).toEqual(plain(MARKET))
  expect(result.scanned.every((e, i) => i === 0 || e.seq > result.scanned[i - 1]!.seq)).toBe(true)
  expect(plain(result.asc)).toEqual(plain(BY_TIME))
  expect(plain(result.desc)).toEqual(plain([...BY_TIME].reverse()))
  const eth = BY_TIME.filter(
    (e) => e.type === "market.trades" && e.payload.symbol === "ETH/USDT" && e.time >= EVENTS[200]!.time,
  )
  expect(plain(result.eth)).toEqual(plain(eth))
  const books = BY_TIME.filter((e) => e.type === "market.orderbook")
    .slice(-5)
    .reverse()
  expect(plain(result.books.events)).toEqual(plain(books))
})

test("a coalesced scan leaves the market picture at every score as the full scan builds it", async () => {
  const { path } = copy()
  const { full, coalesced } = await inStore(path, { foldAfter: 0 }, (store) =>
    Effect.map(store.compact, () => ({
      full: [...store.scan({ type: "market.*" })],
      coalesced: [...store.scan({ type: "market.*" }, { coalesced: true })],
    })),
  )
  expect(plain(full)).toEqual(plain(MARKET))
  expect(coalesced.length).toBeLessThan(MARKET.length / 5)
  expect(pictures(coalesced)).toEqual(pictures(MARKET))
  expect(coalesced.reduce((n, e) => n + storedCount(e), 0)).toBe(MARKET.length)
  // The out-of-order batches start merged batches of their own: more than one per block.
  const trades = coalesced.filter((e) => e.type === "market.trades").length
  expect(trades).toBeGreaterThan(2 * 4)
  // One symbol, a time range: only what is in it, thinned the same way.
  const range = { type: "market.*", symbol: "BTC/USDT", from: EVENTS[100]!.time, to: EVENTS[600]!.time }
  const inRange = MARKET.filter(
    (e) => "symbol" in e.payload && e.payload.symbol === "BTC/USDT" && e.time >= range.from && e.time < range.to,
  )
  const thinned = await inStore(path, {}, (store) => Effect.sync(() => [...store.scan(range, { coalesced: true })]))
  expect(pictures(thinned)).toEqual(pictures(inRange))
})

test("a scan that a fold overtakes between its pages sees every event once", async () => {
  const { path } = copy()
  const seen = await inStore(path, {}, (store) =>
    Effect.sync(() => {
      const out: Array<StoredEvent> = []
      for (const e of store.scan({ type: "market.*" }, { pageSize: 50 })) {
        out.push(e)
        // Another process folds everything, rows the scan has read and rows it has not.
        if (out.length === 120) {
          const other = new Database(path)
          expect(foldMarketRows(other, Number.MAX_SAFE_INTEGER)).toBeGreaterThan(500)
          other.close()
        }
      }
      return out
    }),
  )
  expect(plain(seen)).toEqual(plain(MARKET))
})

test("a scan that a fold through its own connection overtakes sees every event once", async () => {
  const { path } = copy()
  // Migrated to the current schema by a store opened once.
  await inStore(path, {}, () => Effect.void)
  const sqlite = new Database(path)
  const out: Array<StoredEvent> = []
  for (const e of scanInSeqOrder({ sqlite, files: [] }, { type: "market.*" }, { pageSize: 40 })) {
    out.push(e)
    if (out.length === 300) expect(foldMarketRows(sqlite, Number.MAX_SAFE_INTEGER)).toBeGreaterThan(400)
  }
  sqlite.close()
  expect(plain(out)).toEqual(plain(MARKET))
})

test("tiering moves folded blocks whole to the warm tier, where they read as before", async () => {
  const { dir, path } = copy()
  const middle = EVENTS[400]!.time
  const result = await inStore(path, { hot: `${Date.now() - middle} millis`, foldAfter: 0 }, (store) =>
    Effect.gen(function* () {
      const compacted = yield* store.compact
      return {
        compacted,
        scanned: [...store.scan({ type: "market.*" })],
        coalesced: [...store.scan({ type: "market.*" }, { coalesced: true })],
        asc: yield* allPages(store, { limit: 100 }),
      }
    }),
  )
  // The first minute's blocks move; the second's ends after the cutoff and stays whole.
  expect(result.compacted.moved).toBeGreaterThan(200)
  expect(result.compacted.moved).toBeLessThan(EVENTS.length - 300)
  expect(readdirSync(join(dir, "warm")).length).toBe(1)
  expect(plain(result.scanned)).toEqual(plain(MARKET))
  expect(pictures(result.coalesced)).toEqual(pictures(MARKET))
  expect(plain(result.asc)).toEqual(plain(BY_TIME))
})

/** Blocks by their format byte. */
const formats = (path: string): Record<string, number> => {
  const db = new Database(path, { readonly: true })
  const rows = db
    .query("SELECT hex(substr(payload, 1, 1)) AS f, count(*) AS n FROM market_blocks GROUP BY f")
    .all() as Array<{ f: string; n: number }>
  db.close()
  return Object.fromEntries(rows.map((r) => [r.f, r.n]))
}

// Stores written by earlier builds: blocks of format 1 (every payload in one blob) and of format 2
// (the superseded books' payloads alone in `books`).
for (const [name, format] of [
  ["v4-market-blocks", "01"],
  ["v5-split-blocks", "02"],
] as const)
  test(`a store whose blocks are of format ${format} (${name}) reads as before, beside blocks folded now`, async () => {
    const fixture = join(import.meta.dir, `../../fixtures/store/${name}.db`)
    const events = (await Bun.file(fixture.replace(/\.db$/, ".json")).json()) as Array<VirtuosoEvent>
    const dir = tempDir()
    const path = join(dir, "events.db")
    copyFileSync(fixture, path)
    const market = events.filter((e) => e.type.startsWith("market."))
    const byTime = events
      .map((e, i) => ({ e, seq: i + 1 }))
      .sort((a, b) => a.e.time - b.e.time || a.seq - b.seq)
      .map((x) => x.e)
    const from = events[150]!.time
    const to = events[850]!.time
    const inRange = market.filter(
      (e) => "symbol" in e.payload && e.payload.symbol === "ETH/USDT" && e.time >= from && e.time < to,
    )
    const reads = (store: EventStore["Service"]) =>
      Effect.gen(function* () {
        return {
          full: [...store.scan({ type: "market.*" })],
          coalesced: [...store.scan({ type: "market.*" }, { coalesced: true })],
          // A range that starts and ends inside blocks: its last book in range may be a superseded one.
          ranged: [...store.scan({ type: "market.*", symbol: "ETH/USDT", from, to }, { coalesced: true })],
          asc: yield* allPages(store, { limit: 100 }),
          desc: yield* allPages(store, { order: "desc", limit: 70 }),
        }
      })
    const check = (r: Record<"full" | "coalesced" | "ranged" | "asc" | "desc", ReadonlyArray<StoredEvent>>) => {
      expect(plain(r.full)).toEqual(plain(market))
      expect(pictures(r.coalesced)).toEqual(pictures(market))
      expect(r.coalesced.reduce((n, e) => n + storedCount(e), 0)).toBe(market.length)
      expect(pictures(r.ranged)).toEqual(pictures(inRange))
      expect(plain(r.asc)).toEqual(plain(byTime))
      expect(plain(r.desc)).toEqual(plain([...byTime].reverse()))
    }
    // Opened (and migrated) without folding: the blocks as the earlier build wrote them, and rows.
    check(await inStore(path, {}, reads))
    const db = new Database(path, { readonly: true })
    const columns = (db.query("PRAGMA table_info(market_blocks)").all() as Array<{ name: string }>).map((c) => c.name)
    db.close()
    expect(columns.at(-1)).toBe("books")
    const before = formats(path)
    expect(Object.keys(before)).toEqual([format])
    // The rows left folded by this build (format 3) beside the earlier blocks, every read the same.
    check(
      await inStore(path, { foldAfter: 0 }, (store) =>
        Effect.flatMap(store.compact, (c) => {
          expect(c.folded).toBeGreaterThan(50)
          return reads(store)
        }),
      ),
    )
    expect(formats(path)).toEqual({ [format]: before[format]!, "03": expect.any(Number) })
  })
