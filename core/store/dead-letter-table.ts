/**
 * @module The `dead_letters` table: the bus's dead-letter queue kept across restarts. Written only
 * on the failure path, so plain drizzle queries; each call is its own small transaction.
 */
import { asc, desc, inArray, lt } from "drizzle-orm"
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite"
import type { DeadLetter, NewDeadLetter, VirtuosoEvent } from "../events/index.ts"
import * as tables from "./tables.ts"

// SQLite caps bound parameters per statement; removals are chunked below it.
const CHUNK = 500

export class DeadLetterTable {
  constructor(private readonly db: BunSQLiteDatabase<typeof tables>) {}

  /** The newest `limit` entries, oldest first; older rows are deleted (the queue's capacity shrank). */
  load(limit: number): Array<DeadLetter> {
    const t = tables.deadLetters
    return this.db.transaction((tx) => {
      const rows = tx.select().from(t).orderBy(desc(t.seq)).limit(Math.max(0, limit)).all()
      const oldest = rows[rows.length - 1]
      if (oldest !== undefined) tx.delete(t).where(lt(t.seq, oldest.seq)).run()
      else if (limit <= 0) tx.delete(t).run()
      return rows.reverse().map((row) => ({
        seq: row.seq,
        subscriber: row.subscriber,
        event: JSON.parse(row.event) as VirtuosoEvent,
        error: row.error,
        attempts: row.attempts,
        time: row.time,
      }))
    })
  }

  /** Inserts entries in order; returns their seqs in the same order. */
  add(entries: ReadonlyArray<NewDeadLetter>): Array<number> {
    if (entries.length === 0) return []
    const t = tables.deadLetters
    return this.db.transaction((tx) =>
      entries.map(
        (e) =>
          tx
            .insert(t)
            .values({
              subscriber: e.subscriber,
              eventId: e.event.id,
              eventType: e.event.type,
              event: JSON.stringify(e.event),
              error: e.error,
              attempts: e.attempts,
              time: e.time,
            })
            .returning({ seq: t.seq })
            .get().seq,
      ),
    )
  }

  remove(seqs: ReadonlyArray<number>): void {
    const t = tables.deadLetters
    this.db.transaction((tx) => {
      for (let i = 0; i < seqs.length; i += CHUNK) tx.delete(t).where(inArray(t.seq, seqs.slice(i, i + CHUNK))).run()
    })
  }

  /** All rows, oldest first (tests, tools). */
  all(): Array<{ seq: number; subscriber: string; eventId: string }> {
    const t = tables.deadLetters
    return this.db.select({ seq: t.seq, subscriber: t.subscriber, eventId: t.eventId }).from(t).orderBy(asc(t.seq)).all()
  }
}
