/**
 * @module The hot tier's market inputs in commit order: the `market_events` rows not folded yet
 * and the events of the `market_blocks` rows (fold.ts), merged by seq, read a window at a time.
 *
 * A window is a seq range both tables are read over inside one read transaction: at most
 * `BLOCK_PAGE` blocks (by first seq) and `pageSize` rows. So a fold committing between two windows
 * (this process's tiering job, or another process on the same file) is seen whole by the next
 * window: the rows it moved that no window has read are in blocks that window reads — those whose
 * first seq is ahead, and those that also took rows already read (a block spans at most
 * `BLOCK_SEQ_SPAN` seqs, so they are found just behind), read from where the scan is. Blocks of
 * different symbols overlap in seq, so a block's events beyond the window wait for the next one.
 */
import type { Database } from "bun:sqlite"
import { blockEvents, type BlockRow } from "./block-read.ts"
import { BLOCK_SEQ_SPAN, foldsThrough } from "./fold.ts"
import { BLOCK_TYPES } from "./market-blocks.ts"
import type { StoredEvent } from "./schema.ts"
import type { ScanRange, SeqScanCounters } from "./seq-scan.ts"
import { scanFilter, typePasses } from "./scan-filter.ts"
import { eventOf, fail, type Row } from "./stored-row.ts"

/** Blocks per window: a window holds their decoded events until its seq range is passed on. */
const BLOCK_PAGE = 64
const BLOCK_COLUMNS = "seq, last_seq, time, symbol, count, payload"

interface Filter {
  readonly where: string
  readonly params: Array<string | number>
}

/**
 * The `books` column as this read selects it (see BlockRow): every block's for a read of every
 * event; for a thinned read, only a block the range cuts (`CASE` reads the column only where it
 * holds), whose last book in range may be a superseded one; none when the range cuts nothing.
 */
const booksColumn = (range: ScanRange, coalesced: boolean): Filter => {
  if (!coalesced) return { where: ", books", params: [] }
  const cuts: Array<string> = []
  const params: Array<number> = []
  if (range.from !== undefined) {
    cuts.push("time < ?")
    params.push(range.from)
  }
  if (range.to !== undefined) {
    cuts.push("last_time >= ?")
    params.push(range.to)
  }
  if (cuts.length === 0) return { where: "", params: [] }
  return { where: `, CASE WHEN ${cuts.join(" OR ")} THEN books END AS books`, params }
}

const filterOf = (range: ScanRange, blocks: boolean): Filter => {
  const { where, params } = blocks ? scanFilter(range, "last_time", false) : scanFilter(range)
  return { where: where.map((w) => ` AND ${w}`).join(""), params }
}

/** Whether a type filter can match a block's events. */
const blocksMatch = (type: string | undefined): boolean => BLOCK_TYPES.some((t) => typePasses(type, t))

/** The seq bounds of the range in both tables, from their time indexes (undefined: nothing there). */
const boundsOf = (sqlite: Database, range: ScanRange, blocks: boolean): { lo: number; hi: number } | undefined => {
  if (range.from === undefined && range.to === undefined) return { lo: 0, hi: Number.MAX_SAFE_INTEGER }
  const from = range.from ?? -Number.MAX_SAFE_INTEGER
  const to = range.to ?? Number.MAX_SAFE_INTEGER
  type Bounds = { lo: number | null; hi: number | null } | null
  const rows = sqlite
    .query("SELECT min(seq) AS lo, max(seq) AS hi FROM market_events WHERE time >= ? AND time < ?")
    .get(from, to) as Bounds
  const folded = blocks
    ? (sqlite
        .query("SELECT min(seq) AS lo, max(last_seq) AS hi FROM market_blocks WHERE last_time >= ? AND time < ?")
        .get(from, to) as Bounds)
    : null
  const lo = Math.min(rows?.lo ?? Infinity, folded?.lo ?? Infinity)
  const hi = Math.max(rows?.hi ?? -Infinity, folded?.hi ?? -Infinity)
  return lo === Infinity ? undefined : { lo: lo - 1, hi }
}

interface Active {
  readonly events: ReadonlyArray<StoredEvent>
  at: number
}

/** The range's hot market inputs in seq order; `coalesced` thins each block (block-read.ts). */
export function* hotMarketEvents(
  sqlite: Database,
  range: ScanRange,
  pageSize: number,
  counters: SeqScanCounters,
  coalesced: boolean,
): Generator<StoredEvent> {
  const withBlocks = blocksMatch(range.type)
  const bounds = boundsOf(sqlite, range, withBlocks)
  if (bounds === undefined) return
  const { hi } = bounds
  const rowFilter = filterOf(range, false)
  const blockFilter = filterOf(range, true)
  const rowPage = sqlite.query(
    "SELECT seq, id, type, version, time, symbol, source, payload FROM market_events" +
      ` WHERE seq > ? AND seq <= ?${rowFilter.where} ORDER BY seq LIMIT ${pageSize}`,
  )
  const books = booksColumn(range, coalesced)
  const blockPage = sqlite.query(
    `SELECT ${BLOCK_COLUMNS}${books.where} FROM market_blocks` +
      ` WHERE seq > ? AND seq <= ?${blockFilter.where} ORDER BY seq LIMIT ${BLOCK_PAGE}`,
  )
  // Blocks a fold made after the scan passed their first seq: they hold rows not read yet. Their
  // keys first (most are blocks read already), then the bytes of the new ones.
  const straddling = sqlite.query(
    `SELECT seq FROM market_blocks WHERE seq > ? AND seq <= ? AND last_seq > ?${blockFilter.where} ORDER BY seq`,
  )
  // With `books` whatever the range: the scan has read up to a seq inside these, which cuts them.
  const blockAt = sqlite.query(`SELECT ${BLOCK_COLUMNS}, books FROM market_blocks WHERE seq = ?`)
  // First seqs of the blocks read, while a straddling block could still name them.
  const loaded = new Set<number>()
  // What says a fold may have committed since the last window: another connection's commit
  // (SQLite's data_version), or a fold through this one.
  const dataVersion = sqlite.query("PRAGMA data_version")
  let seen = ""
  const window = sqlite.transaction((after: number) => {
    const version = `${(dataVersion.get() as { data_version: number }).data_version}:${foldsThrough(sqlite)}`
    const moved = seen !== "" && version !== seen
    seen = version
    const late: Array<BlockRow> = []
    if (withBlocks && moved)
      for (const { seq } of straddling.all(after - BLOCK_SEQ_SPAN, after, after, ...blockFilter.params) as Array<{
        seq: number
      }>)
        if (!loaded.has(seq)) late.push(blockAt.get(seq) as BlockRow)
    const blocks = withBlocks
      ? (blockPage.all(...books.params, after, hi, ...blockFilter.params) as Array<BlockRow>)
      : []
    let end = blocks.length === BLOCK_PAGE ? blocks[blocks.length - 1]!.seq : hi
    const rows = rowPage.all(after, end, ...rowFilter.params) as Array<Row>
    if (rows.length === pageSize) {
      end = rows[rows.length - 1]!.seq
      while (blocks.length > 0 && blocks[blocks.length - 1]!.seq > end) blocks.pop()
    }
    return { late, blocks, rows, end }
  })
  let active: Array<Active> = []
  let after = bounds.lo
  while (true) {
    let w: ReturnType<typeof window>
    try {
      w = window(after)
    } catch (cause) {
      return fail(cause)
    }
    counters.pages++
    counters.read += w.rows.length
    for (const block of w.late) {
      loaded.add(block.seq)
      const events = blockEvents(block, { ...range, afterSeq: after }, coalesced)
      counters.read += events.length
      if (events.length > 0) active.push({ events, at: 0 })
    }
    for (const block of w.blocks) {
      loaded.add(block.seq)
      counters.read += block.count
      const events = blockEvents(block, range, coalesced)
      if (events.length > 0) active.push({ events, at: 0 })
    }
    for (const seq of loaded) if (seq <= w.end - BLOCK_SEQ_SPAN) loaded.delete(seq)
    // Everything up to the window's end, in seq order: its rows, and the blocks' events so far.
    let i = 0
    while (true) {
      let best = -1
      let seq = i < w.rows.length ? w.rows[i]!.seq : Infinity
      for (let k = 0; k < active.length; k++) {
        const a = active[k]!
        const s = a.events[a.at]!.seq
        if (s < seq) {
          seq = s
          best = k
        }
      }
      if (seq > w.end) break
      if (best < 0) yield eventOf(w.rows[i++]!, true)
      else {
        const a = active[best]!
        yield a.events[a.at++]!
        if (a.at === a.events.length) active = active.filter((x) => x !== a)
      }
    }
    if (w.end >= hi) return
    after = w.end
  }
}
