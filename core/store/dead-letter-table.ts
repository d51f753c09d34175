/**
 * @module The `dead_letters` table: the bus's dead-letter queue kept across restarts. Written only
 * on the failure path, in batches the bus queues (see `core/events/dead-letters.ts`), so plain
 * drizzle queries; each call is one transaction.
 */
import { asc, desc, inArray, lt, sql } from "drizzle-orm"
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite"
import type { DeadLetter, VirtuosoEvent } from "../events/index.ts"
import * as tables from "./tables.ts"

// SQLite caps bound parameters per statement (8 per inserted row): chunked well below it.
const CHUNK = 500

export class DeadLetterTable {
  constructor(private readonly db: BunSQLiteDatabase<typeof tables>) {}

  /**
   * The newest `limit` entries, oldest first; older rows are deleted (the queue's capacity
   * shrank). `maxSeq` is the highest seq ever stored (AUTOINCREMENT's record), live or not.
   */
  load(limit: number): { entries: Array<DeadLetter>; maxSeq: number } {
    const t = tables.deadLetters
    return this.db.transaction((tx) => {
      const rows = tx.select().from(t).orderBy(desc(t.seq)).limit(Math.max(0, limit)).all()
      const oldest = rows[rows.length - 1]
      if (oldest !== undefined) tx.delete(t).where(lt(t.seq, oldest.seq)).run()
      else if (limit <= 0) tx.delete(t).run()
      // A raw `get` answers the row as an array of values.
      const recorded = tx.get<[number] | undefined>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'dead_letters'`)
      const entries = rows.reverse().map((row) => ({
        seq: row.seq,
        subscriber: row.subscriber,
        event: JSON.parse(row.event) as VirtuosoEvent,
        error: row.error,
        attempts: row.attempts,
        time: row.time,
      }))
      return { entries, maxSeq: Math.max(recorded?.[0] ?? 0, entries[entries.length - 1]?.seq ?? 0) }
    })
  }

  /** Inserts new entries (numbered by the bus) and deletes removed ones in one transaction. */
  write(added: ReadonlyArray<DeadLetter>, removed: ReadonlyArray<number>): void {
    const t = tables.deadLetters
    this.db.transaction((tx) => {
      for (let i = 0; i < added.length; i += CHUNK) {
        tx.insert(t)
          .values(
            added.slice(i, i + CHUNK).map((e) => ({
              seq: e.seq,
              subscriber: e.subscriber,
              eventId: e.event.id,
              eventType: e.event.type,
              event: JSON.stringify(e.event),
              error: e.error,
              attempts: e.attempts,
              time: e.time,
            })),
          )
          .run()
      }
      for (let i = 0; i < removed.length; i += CHUNK)
        tx.delete(t)
          .where(inArray(t.seq, removed.slice(i, i + CHUNK)))
          .run()
    })
  }

  /** All rows, oldest first (tests, tools). */
  all(): Array<{ seq: number; subscriber: string; eventId: string }> {
    const t = tables.deadLetters
    return this.db
      .select({ seq: t.seq, subscriber: t.subscriber, eventId: t.eventId })
      .from(t)
      .orderBy(asc(t.seq))
      .all()
  }
}
