/**
 * `EventStore.scan` — what a replay reads: every match across the hot table(s) and the warm day
 * files in commit (seq) order, read lazily, a page of rows at a time, so a long range replays in
 * bounded memory. Counts, not timings: how many rows were read when the first event came out,
 * how many pages the whole scan took.
 */
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import type { EventOf, VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore, type ScanOptions, type ScanRange, type StoredEvent } from "../../../core/store/index.ts"
import { DayFiles, dayOf } from "../../../core/store/warm.ts"

const DAY = 86_400_000
const START = Date.UTC(2024, 0, 1)
const SYMBOLS = ["A/USDT", "B/USDT"]
const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const

/** Three days of books, trade batches and circuit changes; every 7th one is stamped 2 min early. */
const events = (): Array<VirtuosoEvent> =>
  Array.from({ length: 3000 }, (_, i) => {
    const time = START + i * 90_000 - (i % 7 === 0 ? 120_000 : 0)
    const symbol = SYMBOLS[i % 2]!
    const base = { id: `e${i}`, version: 1, time, source: "test" }
    if (i % 3 === 0)
      return { ...base, type: "market.orderbook", payload: { symbol, time, bids: [[1, i]], asks: [[2, 1]] } }
    if (i % 3 === 1) {
      const trades = [{ id: `t${i}`, time, price: 1 + i / 1000, amount: 1, side: "buy" as const }]
      return { ...base, type: "market.trades", payload: { symbol, trades } } satisfies EventOf<"market.trades">
    }
    const payload = { name: `c${i}`, state: "open" as const }
    return { ...base, type: "circuit.changed", payload } satisfies EventOf<"circuit.changed">
  })

const inStore = async <A>(path: string, options: object, f: (store: EventStore["Service"]) => A): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(Effect.map(EventStore, f)).pipe(Effect.provide(EventStore.layer({ path, ...keepAll, ...options }))),
  )

/** The store's scan, and the rows read when its first event came out. */
const scan = (path: string, range: ScanRange, options: ScanOptions) =>
  inStore(path, {}, (store) => {
    const counters = { read: 0, pages: 0 }
    const out: Array<StoredEvent> = []
    let readAtFirst = -1
    for (const e of store.scan(range, { ...options, counters })) {
      if (readAtFirst < 0) readAtFirst = counters.read
      out.push(e)
    }
    return { out, readAtFirst, counters }
  })

const withStore = async (f: (path: string, all: Array<VirtuosoEvent>) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-seq-scan-"))
  try {
    const all = events()
    const path = join(dir, "v.db")
    await inStore(path, {}, (store) => Effect.runPromise(store.append(all)))
    await f(path, all)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const ids = (xs: ReadonlyArray<VirtuosoEvent>) => xs.map((e) => e.id)

test("hot tier: commit order, a page at a time, filters applied", () =>
  withStore(async (path, all) => {
    const market = all.filter((e) => e.type.startsWith("market."))
    const whole = await scan(path, { type: "market.*" }, { pageSize: 100 })
    expect(ids(whole.out)).toEqual(ids(market))
    expect(whole.out.every((e, i) => i === 0 || e.seq > whole.out[i - 1]!.seq)).toBe(true)
    // The time order differs from the commit order, and the commit order wins.
    expect(whole.out.some((e, i) => i > 0 && e.time < whole.out[i - 1]!.time)).toBe(true)
    expect(whole.readAtFirst).toBeLessThanOrEqual(200)
    expect(whole.counters.pages).toBeGreaterThanOrEqual(market.length / 100)
    expect(whole.counters.read).toBe(market.length)

    const from = START + DAY / 2
    const to = START + DAY * 2
    const range = { type: "market.*", symbol: "B/USDT", from, to }
    const some = await scan(path, range, { pageSize: 64 })
    const expected = market.filter((e) => "symbol" in e.payload && e.payload.symbol === "B/USDT")
    expect(ids(some.out)).toEqual(ids(expected.filter((e) => e.time >= from && e.time < to)))
    expect(some.out.length).toBeGreaterThan(100)
    // Only the range's seqs are walked: rows before and after it are never read.
    expect(some.counters.read).toBeLessThan(market.filter((e) => e.time >= from - 10_000 && e.time < to).length)
  }))

test("warm day files and the hot tier merge in commit order, a tiering pass at a time; a row in both comes once", () =>
  withStore(async (path, all) => {
    // Six tiering passes, each moving a quarter day: each day file gains a member per pass.
    for (let k = 1; k <= 6; k++) {
      const cutoff = START + (k * DAY) / 4
      const moved = await inStore(path, { hot: `${Date.now() - cutoff} millis` }, (store) =>
        Effect.runPromise(store.compact),
      )
      expect(moved.moved).toBeGreaterThan(100)
    }
    const whole = await scan(path, {}, { pageSize: 100 })
    expect(ids(whole.out)).toEqual(ids(all))
    // Two passes' rows (a quarter day each) and a page per table, never a whole day.
    const pass = Math.ceil(DAY / 4 / 90_000) + 10
    expect(whole.readAtFirst).toBeLessThanOrEqual(200 + 2 * pass)
    expect(whole.readAtFirst).toBeLessThan(DAY / 90_000)
    const late = await scan(path, { from: START + DAY * 1.2 }, { pageSize: 100 })
    expect(ids(late.out)).toEqual(ids(all.filter((e) => e.time >= START + DAY * 1.2)))
    // A tiering pass cut short between its file write and its delete leaves rows in both tiers.
    const hot = whole.out.filter((e) => e.time >= START + DAY * 1.5 + 60_000).slice(0, 20)
    const warm = new DayFiles(join(dirname(path), "warm"))
    warm.append(dayOf(hot[0]!.time), hot)
    const again = await scan(path, {}, { pageSize: 100 })
    expect(ids(again.out)).toEqual(ids(all))
    expect(again.counters.read).toBe(whole.counters.read + hot.length)
    // A row older than what an earlier pass already gave cannot be put in order: the read fails.
    warm.append(dayOf(hot[0]!.time), [{ ...whole.out[5]!, id: "stray" }])
    await expect(scan(path, {}, { pageSize: 100 })).rejects.toThrow(/older than row/)
  }))
