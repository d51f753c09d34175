/**
 * @module One query over all tiers: the ring when it can answer alone, else SQLite (hot) plus
 * the warm and archived day files in range, merged in (time, seq) order and deduped by id.
 */
import type { Cursor } from "./cursor.ts"
import { compareStored } from "./cursor.ts"
import type { StoreDatabase } from "./database.ts"
import { matchesQuery, type RecentRing } from "./ring.ts"
import type { StoredEvent, TierQuery } from "./schema.ts"
import { dayStart, type DayFiles } from "./warm.ts"

const DAY_MS = 86_400_000

export interface TierSources {
  readonly db: StoreDatabase
  readonly ring: RecentRing
  readonly files: ReadonlyArray<DayFiles>
}

export interface QueryOutcome {
  readonly events: ReadonlyArray<StoredEvent>
  readonly last?: Cursor
  readonly more: boolean
  readonly source: "ring" | "tiers"
}

const fromFiles = (files: ReadonlyArray<DayFiles>, q: TierQuery): Array<StoredEvent> => {
  const days = new Map<string, Array<DayFiles>>()
  for (const f of files) {
    for (const day of f.days()) {
      const start = dayStart(day)
      if (q.from !== undefined && start + DAY_MS <= q.from) continue
      if (q.to !== undefined && start >= q.to) continue
      if (q.after !== undefined && (q.order === "asc" ? start + DAY_MS <= q.after.time : start > q.after.time)) continue
      const list = days.get(day) ?? []
      list.push(f)
      days.set(day, list)
    }
  }
  const ordered = [...days.keys()].sort()
  if (q.order === "desc") ordered.reverse()
  const out: Array<StoredEvent> = []
  const seen = new Set<string>()
  for (const day of ordered) {
    const found: Array<StoredEvent> = []
    for (const f of days.get(day)!) {
      for (const e of f.read(day)) {
        if (matchesQuery(e, q) && !seen.has(e.id)) {
          seen.add(e.id)
          found.push(e)
        }
      }
    }
    found.sort(q.order === "asc" ? compareStored : (a, b) => compareStored(b, a))
    out.push(...found)
    // Days are disjoint in time, so once a day yields enough the later days cannot rank earlier.
    if (out.length > q.limit) break
  }
  return out
}

export const queryTiers = (sources: TierSources, q: TierQuery): QueryOutcome => {
  const fromRing = sources.ring.query(q)
  const candidates = fromRing ?? [...sources.db.query({ ...q, limit: q.limit + 1 }), ...fromFiles(sources.files, q)]
  if (fromRing === undefined) candidates.sort(q.order === "asc" ? compareStored : (a, b) => compareStored(b, a))
  const seen = new Set<string>()
  const events: Array<StoredEvent> = []
  let more = false
  for (const e of candidates) {
    if (seen.has(e.id)) continue
    seen.add(e.id)
    if (events.length === q.limit) {
      more = true
      break
    }
    events.push(e)
  }
  const tail = events[events.length - 1]
  return {
    events,
    more,
    source: fromRing === undefined ? "tiers" : "ring",
    ...(tail === undefined ? {} : { last: { time: tail.time, seq: tail.seq } }),
  }
}
