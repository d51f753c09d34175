/**
 * @module The hot write path: one transaction of multi-row prepared INSERTs into `events`.
 *
 * Seqs are assigned here, not by SQLite: the transaction takes the write lock first (BEGIN
 * IMMEDIATE), reads the current top seq and numbers the rows after it. That drops the
 * `RETURNING` clause, which built a JS row object per event and cost about a fifth of the
 * insert time. A duplicate id (a re-publish after a crash) is skipped by `INSERT OR IGNORE`
 * (≈12% cheaper than `ON CONFLICT(id) DO NOTHING`); a statement that inserted fewer rows than
 * it carried is re-read by its seq range to learn which ones, and a skipped row whose id is not
 * in the table (another constraint) fails the transaction — so the result still says exactly
 * which events are newly stored. Skipped seqs leave gaps, which is fine: seq only orders commits.
 */
import type { Database, Statement } from "bun:sqlite"
import type { VirtuosoEvent } from "../events/index.ts"
import { encodePayload } from "./payload-codec.ts"

/** Newly stored events and their seqs, index for index (duplicates left out). */
export interface Committed {
  readonly events: ReadonlyArray<VirtuosoEvent>
  readonly seqs: ReadonlyArray<number>
}

const ROWS_PER_STATEMENT = 200
const COLUMNS = "seq, id, type, version, time, symbol, timeframe, correlation_id, source, payload, stored_at"
const PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

const field = (payload: unknown, key: string): string | null => {
  if (typeof payload !== "object" || payload === null) return null
  const value = (payload as Record<string, unknown>)[key]
  return typeof value === "string" ? value : null
}

export const makeEventInsert = (
  sqlite: Database,
): ((events: ReadonlyArray<VirtuosoEvent>, storedAt: number) => Committed) => {
  const statements = new Map<number, Statement>()
  const statement = (rows: number) => {
    let stmt = statements.get(rows)
    if (stmt === undefined) {
      stmt = sqlite.prepare(
        `INSERT OR IGNORE INTO events (${COLUMNS}) VALUES ${Array(rows).fill(PLACEHOLDERS).join(", ")}`,
      )
      statements.set(rows, stmt)
    }
    return stmt
  }
  const topSeq = sqlite.prepare("SELECT max(seq) AS s FROM events")
  const inRange = sqlite.prepare("SELECT seq, id FROM events WHERE seq BETWEEN ? AND ?")
  const byId = sqlite.prepare("SELECT 1 AS found FROM events WHERE id = ?")
  // Never hand out a seq twice in this process, even after tiering deleted the top rows.
  let lastSeq = 0
  const params: Array<string | number | null | Uint8Array> = []

  const insert = (events: ReadonlyArray<VirtuosoEvent>, storedAt: number): Committed => {
    const top = (topSeq.get() as { s: number | null } | null)?.s ?? 0
    let next = Math.max(top, lastSeq) + 1
    let keptAll = true
    let events_: Array<VirtuosoEvent> | undefined // only once a duplicate was skipped
    const seqs: Array<number> = new Array(events.length)
    let kept = 0
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
      const end = Math.min(events.length, start + ROWS_PER_STATEMENT)
      const first = next
      params.length = 0
      for (let i = start; i < end; i++) {
        const event = events[i]
        params.push(
          next++,
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
      const { changes } = statement(end - start).run(...params)
      if (changes === end - start) {
        for (let i = start; i < end; i++) {
          if (!keptAll) events_!.push(events[i])
          seqs[kept++] = first + (i - start)
        }
        continue
      }
      // Some rows were duplicates: from here on keep an explicit list of what was stored.
      if (keptAll) {
        keptAll = false
        events_ = events.slice(0, kept)
      }
      const stored = new Map<number, string>()
      if (changes > 0)
        for (const row of inRange.all(first, next - 1) as Array<{ seq: number; id: string }>)
          stored.set(row.seq, row.id)
      for (let i = start; i < end; i++) {
        const seq = first + (i - start)
        if (stored.get(seq) === events[i].id) {
          events_!.push(events[i])
          seqs[kept++] = seq
        } else if (byId.get(events[i].id) === null) {
          // OR IGNORE also skips rows that break another constraint: such an event must fail
          // the transaction (and so the publish), never be acknowledged as a duplicate.
          throw new Error(
            `event ${String(events[i].id)} (${String(events[i].type)}) violates a constraint of the events table`,
          )
        }
      }
    }
    lastSeq = next - 1
    seqs.length = kept
    return { events: keptAll ? events : events_!, seqs }
  }
  const transaction = sqlite.transaction(insert)
  return (events, storedAt) => transaction.immediate(events, storedAt)
}
