/**
 * @module The store read a replay makes: every stored event in a range, in commit (seq) order,
 * read lazily so a long range replays in bounded memory.
 *
 * The hot tier is paged by seq from both tables (`events` and `market_events`, one seq counter)
 * with raw prepared statements: the range's seq bounds come from the time index once, then each
 * page walks the primary key (the time filter is applied to the rows, never used to pick the
 * index, so a page never sorts the whole range). The warm and archived day files are read a gzip
 * member (one tiering pass's rows) at a time, put in seq order (`dayEvents`). The sources are
 * merged by seq; an event present in two tiers (a tiering pass cut short) comes once.
 *
 * Payloads are decoded as their rows are read, books when their payload is first read (most
 * are superseded unread). A read error (or a payload that does not decode) is thrown as an
 * `EventStoreError` from the iterator or the payload: read inside the store's scope.
 */
import type { Database } from "bun:sqlite"
import { EventStoreError } from "./errors.ts"
import { decodePayload, type StoredPayload } from "./payload-codec.ts"
import { matchesQuery } from "./ring.ts"
import type { StoredEvent, TierQuery } from "./schema.ts"
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

export interface SeqScanCounters {
  /** Rows and day-file events read so far. */
  read: number
  /** Hot-tier pages fetched so far. */
  pages: number
}

interface Row {
  readonly seq: number
  readonly id: string
  readonly type: string
  readonly version: number
  readonly time: number
  readonly correlation_id?: string | null
  readonly symbol: string | null
  readonly source: string
  readonly payload: StoredPayload
}

const SYMBOL = Symbol("virtuoso/store/symbol")

/**
 * The symbol column of an event `scan` read from the hot tier, read without decoding its payload
 * (undefined for any other event): lets a reader skip rows it will not use undecoded.
 */
export const storedSymbol = (event: object): string | undefined =>
  (event as { readonly [SYMBOL]?: string | undefined })[SYMBOL]

/** Types whose payload is decoded only when read: a replay drops most books unread. */
const LAZY: ReadonlySet<string> = new Set(["market.orderbook"])

const decoded = (stored: StoredPayload): unknown => {
  try {
    return decodePayload(stored)
  } catch (cause) {
    return fail(cause)
  }
}

type Scanned = { -readonly [K in "seq" | "id" | "type" | "version" | "time" | "source"]: Row[K] } & {
  payload: unknown
  correlationId?: string
  [SYMBOL]: string | undefined
}

/**
 * A row as an event. A book's payload is decoded when first read, every other payload as the row
 * is read (a replay reads nearly all of them, and an accessor on every event would cost more).
 * The payload is an own enumerable property either way, so spreads and JSON see it like any other.
 */
const eventOf = (row: Row): StoredEvent => {
  const lazy = LAZY.has(row.type)
  const event: Scanned = {
    seq: row.seq,
    id: row.id,
    type: row.type,
    version: row.version,
    time: row.time,
    source: row.source,
    payload: lazy ? undefined : decoded(row.payload),
    [SYMBOL]: row.symbol ?? undefined,
  }
  if (row.correlation_id != null) event.correlationId = row.correlation_id
  if (!lazy) return event as StoredEvent
  let stored: StoredPayload | undefined = row.payload
  let payload: unknown
  Object.defineProperty(event, "payload", {
    enumerable: true,
    get: () => {
      if (stored !== undefined) {
        payload = decoded(stored)
        stored = undefined
      }
      return payload
    },
  })
  return event as StoredEvent
}

const fail = (cause: unknown): never => {
  throw new EventStoreError({
    reason: "query",
    message: cause instanceof Error ? cause.message : String(cause),
    cause,
  })
}

/** One table's rows in the range, by seq, `pageSize` at a time. */
function* tablePages(
  sqlite: Database,
  table: "events" | "market_events",
  range: ScanRange,
  pageSize: number,
  counters: SeqScanCounters,
): Generator<StoredEvent> {
  const where: Array<string> = []
  const params: Array<string | number> = []
  if (range.type !== undefined) {
    if (range.type.endsWith(".*")) {
      const prefix = range.type.slice(0, -1)
      where.push("+type >= ?", "+type < ?")
      params.push(prefix, `${prefix.slice(0, -1)}/`)
    } else {
      where.push("+type = ?")
      params.push(range.type)
    }
  }
  if (range.symbol !== undefined) {
    where.push("+symbol = ?")
    params.push(range.symbol)
  }
  if (range.from !== undefined) {
    where.push("+time >= ?")
    params.push(range.from)
  }
  if (range.to !== undefined) {
    where.push("+time < ?")
    params.push(range.to)
  }
  // Unary `+`: no index may drive a page (one would sort the whole range for every page); the
  // filters apply to the rows of the primary-key walk, one pass over the range in all.
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
  const columns = `seq, id, type, version, time, symbol, source, payload${table === "events" ? ", correlation_id" : ""}`
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
    for (const row of rows) yield eventOf(row)
    if (rows.length < pageSize) return
    after = rows[rows.length - 1]!.seq
  }
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
          found.push(e)
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
  pageSize: number,
  counters: SeqScanCounters = { read: 0, pages: 0 },
): Iterable<StoredEvent> => ({
  [Symbol.iterator]: () =>
    mergeBySeq([
      tablePages(sources.sqlite, "events", range, pageSize, counters),
      tablePages(sources.sqlite, "market_events", range, pageSize, counters),
      dayEvents(sources.files, range, counters),
    ]),
})
