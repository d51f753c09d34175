/**
 * @module The `market_blocks` table (fold.ts) as the store's queries and tiering read it: a block
 * is opened only when its time bounds say it can hold what is asked for, and its events then
 * answer like rows (`GET /v1/events`, `EventStore.query`, the warm tier).
 */
import type { Database } from "bun:sqlite"
import { blockEvents, type BlockRow } from "./block-read.ts"
import { compareStored, type Cursor } from "./cursor.ts"
import { BLOCK_TYPES } from "./market-blocks.ts"
import { matchesQuery } from "./ring.ts"
import { typePasses } from "./scan-filter.ts"
import type { StoredEvent, TierQuery } from "./schema.ts"

/** A block row with the bounds of its events. */
export interface StoredBlock extends BlockRow {
  readonly last_seq: number
  readonly last_time: number
}

/** Blocks opened per query step. */
const STEP = 16
// Every event is read here, superseded books too.
const COLUMNS = "seq, last_seq, time, last_time, symbol, count, payload, books"

const mayMatch = (q: TierQuery): boolean => {
  if (q.correlationId !== undefined) return false
  return BLOCK_TYPES.some((t) => typePasses(q.type, t))
}

/** Every event of `blocks`, books decoded when read, payloads as stored (unchecked: see `blockEvents`). */
export const eventsOfBlocks = (blocks: ReadonlyArray<BlockRow>): Array<StoredEvent> =>
  blocks.flatMap((b) => blockEvents(b, {}, false, false))

/**
 * The blocks' first `q.limit` matches in `q.order` ((time, seq), as rows are ordered). Blocks are
 * opened in order of their earliest (ascending) or latest (descending) time until the next one
 * cannot hold an event that ranks before the `limit`-th match found.
 */
export const blockMatches = (sqlite: Database, q: TierQuery): Array<StoredEvent> => {
  if (!mayMatch(q)) return []
  const where: Array<string> = []
  const params: Array<string | number> = []
  const asc = q.order === "asc"
  const add = (clause: string, value: string | number | undefined) => {
    if (value === undefined) return
    where.push(clause)
    params.push(value)
  }
  add("symbol = ?", q.symbol)
  add("last_time >= ?", q.from)
  add("time < ?", q.to)
  add(asc ? "last_time >= ?" : "time <= ?", q.after?.time)
  const page = sqlite.query(
    `SELECT ${COLUMNS} FROM market_blocks${where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`}` +
      ` ORDER BY ${asc ? "time, seq" : "last_time DESC, seq DESC"} LIMIT ${STEP} OFFSET ?`,
  )
  const order = asc ? compareStored : (a: Cursor, b: Cursor) => compareStored(b, a)
  let found: Array<StoredEvent> = []
  for (let offset = 0; ; offset += STEP) {
    const blocks = page.all(...params, offset) as Array<StoredBlock>
    for (const block of blocks) {
      if (found.length >= q.limit) {
        const bound = found[q.limit - 1]!.time
        if (asc ? block.time > bound : block.last_time < bound) return found
      }
      for (const e of blockEvents(block, {}, false, false)) if (matchesQuery(e, q)) found.push(e)
      found.sort(order)
      if (found.length > q.limit) found = found.slice(0, q.limit)
    }
    if (blocks.length < STEP) return found
  }
}

/** Blocks whose events are all older than `before`, by (last time, last seq), about `events` events' worth. */
export const blocksOlderThan = (sqlite: Database, before: number, events: number): Array<StoredBlock> => {
  const out: Array<StoredBlock> = []
  let count = 0
  const page = sqlite.query(
    `SELECT ${COLUMNS} FROM market_blocks WHERE last_time < ? ORDER BY last_time, last_seq LIMIT ${STEP} OFFSET ?`,
  )
  for (let offset = 0; count < events; offset += STEP) {
    const blocks = page.all(before, offset) as Array<StoredBlock>
    for (const b of blocks) {
      out.push(b)
      count += b.count
      if (count >= events) break
    }
    if (blocks.length < STEP) break
  }
  return out
}

/** Deletes the blocks older than `before` up to (last time, last seq) = `upTo`. */
export const deleteBlocksUpTo = (sqlite: Database, before: number, upTo: Cursor): number =>
  sqlite
    .query("DELETE FROM market_blocks WHERE last_time < ? AND (last_time < ? OR (last_time = ? AND last_seq <= ?))")
    .run(before, upTo.time, upTo.time, upTo.seq).changes
