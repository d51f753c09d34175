/**
 * @module The tiering job: market inputs older than a minute are folded into block rows
 * (fold.ts), hot rows and blocks older than the hot window move to warm day files, warm days
 * older than the warm window are archived or dropped (cold).
 */
import type { StoreDatabase } from "./database.ts"
import { foldMarketRows } from "./fold.ts"
import type { StoredEvent } from "./schema.ts"
import { dayOf, dayStart, type DayFiles } from "./warm.ts"

const DAY_MS = 86_400_000
// Rows per pass: each pass rewrites the touched day files once, so bigger passes copy less.
const CHUNK = 200_000

export interface CompactResult {
  /** Market rows folded into blocks. */
  readonly folded: number
  /** Events moved from SQLite to warm files. */
  readonly moved: number
  /** Days moved to the archive. */
  readonly archived: ReadonlyArray<string>
  /** Days deleted. */
  readonly dropped: ReadonlyArray<string>
}

export interface TierSettings {
  /** Market rows older than this are folded into blocks. */
  readonly foldAfterMs: number
  readonly hotMs: number
  readonly warmMs: number
  readonly cold: "drop" | "archive"
}

export const compact = (
  db: StoreDatabase,
  warm: DayFiles,
  archive: DayFiles,
  settings: TierSettings,
  now: number,
): CompactResult => {
  const folded = foldMarketRows(db.sqlite, now - settings.foldAfterMs)
  const cutoff = now - settings.hotMs
  let moved = 0
  while (true) {
    const pass = db.olderThan(cutoff, CHUNK)
    if (pass.upTo === undefined) break
    const byDay = new Map<string, Array<StoredEvent>>()
    for (const row of pass.events) {
      const day = dayOf(row.time)
      let list = byDay.get(day)
      if (list === undefined) byDay.set(day, (list = []))
      list.push(row)
    }
    // Files first, then the delete: a crash in between duplicates (deduped on read), never loses.
    for (const [day, list] of byDay) warm.append(day, list)
    db.deleteUpTo(cutoff, pass.upTo)
    moved += pass.events.length
    if (!pass.full) break
  }
  const archived: Array<string> = []
  const dropped: Array<string> = []
  const warmCutoff = now - settings.warmMs
  for (const day of warm.days()) {
    if (dayStart(day) + DAY_MS > warmCutoff) continue
    if (settings.cold === "archive") {
      warm.moveTo(day, archive)
      archived.push(day)
    } else {
      warm.remove(day)
      dropped.push(day)
    }
  }
  return { folded, moved, archived, dropped }
}
