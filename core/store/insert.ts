/**
 * @module The hot write path: one transaction of multi-row prepared INSERTs into `events` and
 * `market_events` (market-rows.ts says which rows go where).
 *
 * Seqs are assigned here, not by SQLite: the transaction takes the write lock first (BEGIN
 * IMMEDIATE), reads the current top seq of the tables (folded blocks included) and numbers the
 * rows after it in the order given, so the tables merge into one commit order. That drops the
 * `RETURNING` clause, which built a JS row object per event and cost about a fifth of the insert
 * time. A duplicate id in `events` (a re-publish of a durable event after a crash) is skipped by
 * `INSERT OR IGNORE` (≈12% cheaper than `ON CONFLICT(id) DO NOTHING`); a statement that inserted
 * fewer rows than it carried is re-read by its seqs to learn which ones, and a skipped row whose id
 * is not in the table (another constraint) fails the transaction — so the result still says
 * exactly which events are newly stored. Skipped seqs leave gaps, which is fine: seq only orders commits.
 */
import type { Database, Statement } from "bun:sqlite"
import type { VirtuosoEvent } from "../events/index.ts"
import { isMarketRow } from "./market-rows.ts"
import { encodePayload } from "./payload-codec.ts"

/** Newly stored events and their seqs, index for index (duplicates left out). */
export interface Committed {
  readonly events: ReadonlyArray<VirtuosoEvent>
  readonly seqs: ReadonlyArray<number>
}

/**
 * Rows per INSERT statement. Each statement is prepared once, and a prepared statement with
 * thousands of parameters holds ≈ 90 KB of SQLite memory, so only these sizes exist (a batch of
 * 379 rows is 200 + 64·2 + 16·3 + 1·3): one statement per row count up to 200 grew to 26 MB.
 */
const ROW_COUNTS = [200, 64, 16, 4, 1] as const
const rowsFor = (remaining: number): number => ROW_COUNTS.find((n) => n <= remaining) ?? 1
const EVENT_COLUMNS = "seq, id, type, version, time, symbol, timeframe, correlation_id, source, payload, stored_at"
const MARKET_COLUMNS = "seq, time, type, symbol, id, version, source, payload"

const field = (payload: unknown, key: string): string | null => {
  if (typeof payload !== "object" || payload === null) return null
  const value = (payload as Record<string, unknown>)[key]
  return typeof value === "string" ? value : null
}

type Param = string | number | null | Uint8Array

const lazy = <A>(make: () => A): (() => A) => {
  let value: A | undefined
  return () => (value ??= make())
}

const statements = (sqlite: Database, verb: string, table: string, columns: string) => {
  const cache = new Map<number, Statement>()
  const placeholders = `(${columns
    .split(",")
    .map(() => "?")
    .join(", ")})`
  return (rows: number) => {
    let stmt = cache.get(rows)
    if (stmt === undefined) {
      stmt = sqlite.prepare(`${verb} INTO ${table} (${columns}) VALUES ${Array(rows).fill(placeholders).join(", ")}`)
      cache.set(rows, stmt)
    }
    return stmt
  }
}

export const makeEventInsert = (
  sqlite: Database,
): ((events: ReadonlyArray<VirtuosoEvent>, storedAt: number) => Committed) => {
  const eventRows = statements(sqlite, "INSERT OR IGNORE", "events", EVENT_COLUMNS)
  const marketRows = statements(sqlite, "INSERT", "market_events", MARKET_COLUMNS)
  // Prepared on first use: a test may open a file at an older schema and write it by hand.
  const topSeq = lazy(() =>
    sqlite.prepare(
      "SELECT max(coalesce((SELECT max(seq) FROM events), 0), coalesce((SELECT max(seq) FROM market_events), 0)," +
        " coalesce((SELECT max(last_seq) FROM market_blocks), 0)) AS s",
    ),
  )
  const seqIdIn = lazy(() => sqlite.prepare("SELECT seq, id FROM events WHERE seq BETWEEN ? AND ?"))
  const byId = lazy(() => sqlite.prepare("SELECT 1 AS found FROM events WHERE id = ?"))
  // Never hand out a seq twice in this process, even after tiering deleted the top rows.
  let lastSeq = 0
  const params: Array<Param> = []

  const insertMarket = (events: ReadonlyArray<VirtuosoEvent>, rows: ReadonlyArray<number>, seqs: Array<number>) => {
    for (let start = 0, end = 0; start < rows.length; start = end) {
      end = start + rowsFor(rows.length - start)
      params.length = 0
      for (let r = start; r < end; r++) {
        const event = events[rows[r]!]!
        params.push(
          seqs[rows[r]!]!,
          event.time,
          event.type,
          field(event.payload, "symbol"),
          event.id,
          event.version,
          event.source,
          encodePayload(event),
        )
      }
      marketRows(end - start).run(...params)
    }
  }

  /** Inserts the `events` rows; marks each skipped duplicate's seq as −1. */
  const insertEvents = (
    events: ReadonlyArray<VirtuosoEvent>,
    rows: ReadonlyArray<number>,
    seqs: Array<number>,
    storedAt: number,
  ) => {
    for (let start = 0, end = 0; start < rows.length; start = end) {
      end = start + rowsFor(rows.length - start)
      params.length = 0
      for (let r = start; r < end; r++) {
        const event = events[rows[r]!]!
        params.push(
          seqs[rows[r]!]!,
          event.id,
          event.type,
          event.version,
          event.time,
          field(event.payload, "symbol"),
          field(event.payload, "timeframe"),
          event.correlationId ?? null,
          event.source,
          encodePayload(event),
          storedAt,
        )
      }
      const { changes } = eventRows(end - start).run(...params)
      if (changes === end - start) continue
      // Some rows were duplicates: learn which ones by reading the chunk's seqs back.
      const stored = new Map<number, string>()
      if (changes > 0)
        for (const row of seqIdIn().all(seqs[rows[start]!]!, seqs[rows[end - 1]!]!) as Array<{
          seq: number
          id: string
        }>)
          stored.set(row.seq, row.id)
      for (let r = start; r < end; r++) {
        const i = rows[r]!
        if (stored.get(seqs[i]!) === events[i]!.id) continue
        if (byId().get(events[i]!.id) === null) {
          // OR IGNORE also skips rows that break another constraint: such an event must fail
          // the transaction (and so the publish), never be acknowledged as a duplicate.
          throw new Error(
            `event ${String(events[i]!.id)} (${String(events[i]!.type)}) violates a constraint of the events table`,
          )
        }
        seqs[i] = -1
      }
    }
  }

  const insert = (events: ReadonlyArray<VirtuosoEvent>, storedAt: number): Committed => {
    const top = (topSeq().get() as { s: number | null } | null)?.s ?? 0
    let next = Math.max(top, lastSeq) + 1
    const seqs: Array<number> = new Array(events.length)
    const market: Array<number> = []
    const other: Array<number> = []
    for (let i = 0; i < events.length; i++) {
      seqs[i] = next++
      ;(isMarketRow(events[i]!.type) ? market : other).push(i)
    }
    lastSeq = next - 1
    insertMarket(events, market, seqs)
    insertEvents(events, other, seqs, storedAt)
    if (!seqs.includes(-1)) return { events, seqs }
    const kept: Array<VirtuosoEvent> = []
    const keptSeqs: Array<number> = []
    for (let i = 0; i < events.length; i++) {
      if (seqs[i] === -1) continue
      kept.push(events[i]!)
      keptSeqs.push(seqs[i]!)
    }
    return { events: kept, seqs: keptSeqs }
  }
  const transaction = sqlite.transaction(insert)
  return (events, storedAt) => transaction.immediate(events, storedAt)
}
