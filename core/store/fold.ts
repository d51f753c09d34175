/**
 * @module Folding: `market_events` rows of the block types (books, trade batches, tickers,
 * derivatives) that are older than a cutoff become block rows, one per symbol per stretch
 * (market-blocks.ts). The recorder keeps inserting one cheap row per event, so a crash loses
 * nothing it acknowledged; the store's tiering job folds what has aged (tiers.ts), and a replay
 * reads a minute of a symbol as one row.
 *
 * A block holds consecutive (in commit order) events of one symbol with no other market event
 * between them: a candle, backfill or served-set change ends every open block, so a block never
 * spans a score and a reader may thin it on its own (block-read.ts). A block is also ended after
 * `BLOCK_EVENTS` events, `BLOCK_SPAN_MS` of event time or `BLOCK_SEQ_SPAN` seqs, so range reads and
 * tiering that take a block whole stay close to the range they asked for.
 *
 * Rows are folded in commit order a chunk at a time, each chunk in one transaction (the blocks
 * written and the rows deleted together): a crash leaves rows or blocks, never both or neither.
 * New rows always get seqs above every block (insert.ts reads the top of both tables).
 */
import type { Database } from "bun:sqlite"
import { encodeBlock } from "./block-encode.ts"
import { BLOCK_TYPES, isBlockType, type MarketRow } from "./market-blocks.ts"

/** Rows read per transaction. */
const CHUNK = 20_000
export const BLOCK_EVENTS = 1000
export const BLOCK_SPAN_MS = 60_000
/**
 * Seqs a block may span (first to last): a scan that a fold overtakes finds the blocks that took
 * rows on both sides of where it is within this many seqs before it (hot-market.ts).
 */
export const BLOCK_SEQ_SPAN = 50_000

/** Folds committed through each connection: a reader on it learns that rows moved since it last looked. */
const folds = new WeakMap<Database, number>()
export const foldsThrough = (sqlite: Database): number => folds.get(sqlite) ?? 0
/**
 * The seq each connection has folded through: rows at or below it are folded or of a type that
 * stays a row (candles, ...), and a new row always gets a seq above it (insert.ts). So a fold goes
 * on from here instead of reading the hot tier's candle rows again every pass.
 */
const examined = new WeakMap<Database, number>()

interface Open {
  readonly rows: Array<MarketRow>
  min: number
  max: number
}

/**
 * Folds the block-type rows committed up to the last row older than `before`; returns how many.
 * With `maxRows`, stops after reading about that many rows (whole chunks): a later call goes on
 * from the oldest row left.
 */
export const foldMarketRows = (sqlite: Database, before: number, maxRows = Infinity): number => {
  const from = examined.get(sqlite) ?? Number.MIN_SAFE_INTEGER
  // `seq > from` keeps the search to the rows since the last fold (the rowid range), not every
  // older row of the hot tier through the time index.
  const top = (
    sqlite.query("SELECT max(seq) AS s FROM market_events WHERE seq > ? AND time < ?").get(from, before) as {
      s: number | null
    } | null
  )?.s
  if (top == null) return 0
  const types = BLOCK_TYPES.map((t) => `'${t}'`).join(", ")
  // Another row only ends the open blocks: its payload (a backfill's can be tens of KB) is not read.
  const read = sqlite.query(
    `SELECT seq, time, type, symbol, id, version, source, CASE WHEN type IN (${types}) THEN payload END AS payload` +
      ` FROM market_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${CHUNK}`,
  )
  const insert = sqlite.query(
    "INSERT INTO market_blocks (seq, last_seq, time, last_time, symbol, count, payload, books)" +
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  )
  const remove = sqlite.query(
    `DELETE FROM market_events WHERE seq >= ? AND seq <= ? AND type IN (${types}) AND symbol IS NOT NULL`,
  )
  let after = from
  const chunk = sqlite.transaction((): { read: number; folded: number } => {
    const rows = read.all(after, top) as Array<MarketRow>
    if (rows.length === 0) return { read: 0, folded: 0 }
    const open = new Map<string, Open>()
    let folded = 0
    const close = (symbol: string, block: Open) => {
      const first = block.rows[0]!
      const last = block.rows[block.rows.length - 1]!
      const { lead, tail } = encodeBlock(block.rows, block.min)
      insert.run(first.seq, last.seq, block.min, block.max, symbol, block.rows.length, lead, tail)
      folded += block.rows.length
      open.delete(symbol)
    }
    for (const row of rows) {
      if (!isBlockType(row.type) || row.symbol === null) {
        for (const [symbol, block] of open) close(symbol, block)
        continue
      }
      let block = open.get(row.symbol)
      if (
        block !== undefined &&
        (block.rows.length >= BLOCK_EVENTS ||
          row.seq - block.rows[0]!.seq > BLOCK_SEQ_SPAN ||
          Math.max(block.max, row.time) - Math.min(block.min, row.time) > BLOCK_SPAN_MS)
      ) {
        close(row.symbol, block)
        block = undefined
      }
      if (block === undefined) open.set(row.symbol, (block = { rows: [], min: row.time, max: row.time }))
      block.rows.push(row)
      if (row.time < block.min) block.min = row.time
      if (row.time > block.max) block.max = row.time
    }
    for (const [symbol, block] of open) close(symbol, block)
    remove.run(rows[0]!.seq, rows[rows.length - 1]!.seq)
    after = rows[rows.length - 1]!.seq
    return { read: rows.length, folded }
  })
  let folded = 0
  let rowsRead = 0
  while (true) {
    const pass = chunk.immediate()
    folded += pass.folded
    rowsRead += pass.read
    if (pass.folded > 0) folds.set(sqlite, foldsThrough(sqlite) + 1)
    if (pass.read < CHUNK) {
      examined.set(sqlite, Math.max(after, top))
      return folded
    }
    examined.set(sqlite, after)
    if (rowsRead >= maxRows) return folded
  }
}
