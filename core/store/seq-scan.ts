/**
 * @module The store read a replay makes: every stored event in a range, in commit (seq) order,
 * read lazily so a long range replays in bounded memory.
 *
 * The hot tier is paged by seq from its tables (`events`, and the market inputs: `market_events`
 * rows and `market_blocks`, hot-market.ts; one seq counter) with raw prepared statements: the
 * range's seq bounds come from the time index once, then each page walks the primary key (the time
 * filter is applied to the rows, never used to pick the index, so a page never sorts the whole
 * range). With `coalesced`, each block comes thinned to what a score reads (block-read.ts). The
 * warm and archived day files are read a gzip member (one tiering pass's rows) at a time, put in
 * seq order (`dayEvents`). The sources are merged by seq; an event present in two tiers (a tiering
 * pass cut short) comes once.
 *
 * Payloads are decoded as their rows are read, books when their payload is first read (most are
 * superseded unread; stored-row.ts), and those in JSON form — text or deflated rows and block
 * payloads, every day-file line — checked against their schemas as decoded (`checkedPayload`):
 * the scan feeds a replay. A read error (or a payload that does not decode or check) is thrown as
 * an `EventStoreError` from the iterator or the payload: read inside the store's scope.
 */
import type { Database } from "bun:sqlite"
import { hotMarketEvents } from "./hot-market.ts"
import { matchesQuery } from "./ring.ts"
import { scanFilter } from "./scan-filter.ts"
import type { StoredEvent, TierQuery } from "./schema.ts"
import { checkedPayload, eventOf, fail, type Row } from "./stored-row.ts"
import { dayStart, type DayFiles } from "./warm.ts"

const DAY_MS = 86_400_000

/** What `EventStore.scan` reads: an event type or `prefix.*`, a symbol, a time range. */
export interface ScanRange {
  readonly type?: string | undefined
  readonly symbol?: string | undefined
  /** Event time: from inclusive, to exclusive (epoch ms). */
  readonly from?: number | undefined
  readonly to?: number | undefined
}

export interface ScanOptions {
  /** Hot-tier rows per page (per table). @default 2000 */
  readonly pageSize?: number
  /** Counted as the scan reads (rows and pages), for callers that report or bound it. */
  readonly counters?: SeqScanCounters
  /** Each folded block thinned to what a score reads: its last book, merged trades (block-read.ts). */
  readonly coalesced?: boolean
}

export interface SeqScanCounters {
  /** Rows and day-file events read so far. */
  read: number
  /** Hot-tier pages fetched so far. */
  pages: number
}

/** The `events` table's rows in the range, by seq, `pageSize` at a time. */
function* tablePages(
  sqlite: Database,
  table: "events",
  range: ScanRange,
  pageSize: number,
  counters: SeqScanCounters,
): Generator<StoredEvent> {
  const { where, params } = scanFilter(range)
  let lo = 0
  let hi = Number.MAX_SAFE_INTEGER
  if (range.from !== undefined || range.to !== undefined) {
    const bounds = sqlite
      .query(`SELECT min(seq) AS lo, max(seq) AS hi FROM ${table} WHERE time >= ? AND time < ?`)
      .get(range.from ?? -Number.MAX_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER) as {
      lo: number | null
      hi: number | null
    } | null
    if (bounds?.lo == null || bounds.hi == null) return
    lo = bounds.lo - 1
    hi = bounds.hi
  }
  // Whether the table holds any match at all, by its indexes (e.g. no market rows in `events`).
  const indexed = where.map((w) => w.replace("+", ""))
  const any = sqlite
    .query(`SELECT 1 FROM ${table}${indexed.length === 0 ? "" : ` WHERE ${indexed.join(" AND ")}`} LIMIT 1`)
    .get(...params)
  if (any === null) return
  const columns = "seq, id, type, version, time, symbol, source, payload, correlation_id"
  const filter = where.length === 0 ? "" : ` AND ${where.join(" AND ")}`
  const page = sqlite.query(
    `SELECT ${columns} FROM ${table} WHERE seq > ? AND seq <= ?${filter} ORDER BY seq LIMIT ${pageSize}`,
  )
  let after = lo
  while (true) {
    let rows: Array<Row> = []
    try {
      rows = page.all(after, hi, ...params) as Array<Row>
    } catch (cause) {
      fail(cause)
    }
    counters.pages++
    counters.read += rows.length
    for (const row of rows) yield eventOf(row, true)
    if (rows.length < pageSize) return
    after = rows[rows.length - 1]!.seq
  }
}

/** A day file's event with its payload (JSON, as every payload there is) checked against its schema. */
const checkedWarm = (day: string, e: StoredEvent): StoredEvent => {
  const symbol = (e.payload as { readonly symbol?: unknown } | null)?.symbol
  try {
    checkedPayload({ ...e, symbol: typeof symbol === "string" ? symbol : null }, e.payload)
  } catch (cause) {
    fail(new Error(`warm day ${day}: ${(cause as Error).message}`, { cause }))
  }
  return e
}

/**
 * The day files' matches in seq order, one gzip member (one tiering pass) at a time. Rows within a
 * member are in (time, seq) order and a later pass holds later times, so commit order and file
 * order disagree only where a row committed after rows of a later time: across one pass's cut at
 * most. Each member is merged with the rest of the one before it, and whatever of the earlier
 * member is passed on once the next one is read; a member holding a row older than one already
 * passed on (an order this cannot reproduce) fails the read rather than replaying out of order.
 */
function* dayEvents(files: ReadonlyArray<DayFiles>, range: ScanRange, counters: SeqScanCounters) {
  const q: TierQuery = { ...range, order: "asc", limit: Number.POSITIVE_INFINITY }
  const days = new Map<string, Array<DayFiles>>()
  for (const f of files) {
    for (const day of f.days()) {
      const start = dayStart(day)
      if (range.from !== undefined && start + DAY_MS <= range.from) continue
      if (range.to !== undefined && start >= range.to) continue
      days.set(day, [...(days.get(day) ?? []), f])
    }
  }
  let held: Array<StoredEvent> = []
  // The newest seq passed on, and the seqs passed on when the last member was read.
  let passed = -1
  const sent = new Set<number>()
  for (const day of [...days.keys()].sort()) {
    for (const f of days.get(day)!) {
      const members = f.readMembers(day)
      while (true) {
        let member: IteratorResult<Array<StoredEvent>>
        try {
          member = members.next()
        } catch (cause) {
          return fail(cause)
        }
        if (member.done) break
        counters.read += member.value.length
        const found: Array<StoredEvent> = []
        for (const e of member.value) {
          if (!matchesQuery(e, q)) continue
          // A row already passed on again (a tiering pass cut short moved it twice) is dropped;
          // any other row older than what was passed on cannot be put in order any more.
          if (e.seq <= passed) {
            if (sent.has(e.seq)) continue
            fail(new Error(`warm day ${day}: row ${e.seq} is older than row ${passed} of an earlier pass`))
          }
          found.push(checkedWarm(day, e))
        }
        found.sort((a, b) => a.seq - b.seq)
        if (found.length === 0) continue
        // What is held from the member before goes out now, merged with this member's older rows
        // (a row in both comes out next to its twin, which the merge of the tiers drops).
        sent.clear()
        let i = 0
        for (const e of held) {
          while (i < found.length && found[i]!.seq <= e.seq) {
            sent.add(found[i]!.seq)
            yield found[i++]!
          }
          sent.add(e.seq)
          yield e
        }
        if (held.length > 0) passed = held[held.length - 1]!.seq
        held = found.slice(i)
      }
    }
  }
  yield* held
}

/** Merges sources each in seq order; an event with the seq just passed on is a duplicate. */
function* mergeBySeq(sources: ReadonlyArray<Iterator<StoredEvent>>): Generator<StoredEvent> {
  const heads = sources.map((it) => it.next())
  let last = -1
  while (true) {
    let k = -1
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!
      if (!h.done && (k < 0 || h.value.seq < (heads[k]!.value as StoredEvent).seq)) k = i
    }
    if (k < 0) return
    const event = heads[k]!.value as StoredEvent
    heads[k] = sources[k]!.next()
    if (event.seq === last) continue
    last = event.seq
    yield event
  }
}

/** Every stored event in `range` across the tiers, in seq order, read lazily (see the module note). */
export const scanInSeqOrder = (
  sources: { readonly sqlite: Database; readonly files: ReadonlyArray<DayFiles> },
  range: ScanRange,
  options: ScanOptions = {},
): Iterable<StoredEvent> => ({
  [Symbol.iterator]: () => {
    const pageSize = options.pageSize ?? 2000
    const counters = options.counters ?? { read: 0, pages: 0 }
    return mergeBySeq([
      tablePages(sources.sqlite, "events", range, pageSize, counters),
      hotMarketEvents(sources.sqlite, range, pageSize, counters, options.coalesced === true),
      dayEvents(sources.files, range, counters),
    ])
  },
})
