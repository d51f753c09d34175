/**
 * @module A block row's events (market-blocks.ts), in commit order: every one of them, or —
 * `coalesced` — only what a score can read from the block.
 *
 * A block never spans another market event (fold.ts), so nothing scores between its events and a
 * reader that keeps the picture a symbol's next score reads may thin it on its own, as the
 * replay's coalescing (core/replay/coalesce.ts) does over a whole stretch:
 *
 * - only the block's last book is kept (a later book of the same symbol supersedes it), and it is
 *   the only one decoded; the others' payloads, in the block's tail (market-blocks.ts), need not
 *   even be read, unless the range cuts the block;
 * - consecutive trade batches go out as one, as long as each batch's newest trade is at least as
 *   new as every batch before it (the tape then keeps the same trades and trims the same prefix as
 *   it does folding them a batch at a time); one that breaks that order starts a new merged batch.
 *   A merged batch keeps its first batch's id, seq and time, and lists its packed batches as they
 *   are (`TradeList` of `PackedRun`s): a tape appends them from their bytes, and their trade
 *   objects are made only if the payload's `trades` is read;
 * - tickers and derivatives go out as they are.
 *
 * What goes out says how many recorded events it stands for (`storedCount`). A payload decoded
 * from JSON (text or deflated: tickers, derivatives, books and batches of earlier builds) is
 * checked against its schema (`checkedPayload`, stored-row.ts); packed ones by their decoders.
 *
 * Only the events in the range are looked at: one outside it neither goes out nor supersedes.
 */
import type { PayloadOf } from "../events/index.ts"
import { batchPayload, type Trade, type TradeBatch, TradeList, tradeBatchOf } from "../market-schema/index.ts"
import { BlockMark } from "./block-mark.ts"
import { BLOCK_TYPES, BlockCursor } from "./market-blocks.ts"
import { packedTradesHead } from "./packed-market.ts"
import { PackedRun, scanColumns } from "./packed-trades.ts"
import type { StoredEvent } from "./schema.ts"
import { typePasses } from "./scan-filter.ts"
import type { ScanRange } from "./seq-scan.ts"
import { checkedPayload, eventOf, eventWith, fail, standsFor } from "./stored-row.ts"

export interface BlockRow {
  readonly seq: number
  readonly time: number
  readonly symbol: string
  readonly count: number
  /** The block's lead (market-blocks.ts): every event's header, and its payload unless a superseded book. */
  readonly payload: Uint8Array
  /**
   * The `books` column: the superseded books' payloads (null if none, or a format 1 block). A
   * read that keeps only the picture a score reads leaves it out (null or undefined) unless its
   * range starts or ends inside the block (or its scan read up to a seq inside it): otherwise the
   * superseded books are all in the range and the last book in range is the block's last, in the lead.
   */
  readonly books?: Uint8Array | null
}

type Trades = PayloadOf<"market.trades">

const newestOf = (trades: ReadonlyArray<Trade>): number => {
  let newest = -Infinity
  for (const trade of trades) if (trade.time > newest) newest = trade.time
  return newest
}

/** What a block read takes: a scan's range, and the seq it has read up to (events at or below it are skipped). */
export interface BlockRange extends ScanRange {
  readonly afterSeq?: number | undefined
}

/**
 * The range as a test of a cursor's current event: the type filter is resolved once per block (an
 * index per block type), not matched as a string per event.
 */
const rangeTest = (range: BlockRange): ((cursor: BlockCursor) => boolean) => {
  const { afterSeq, from, to, type } = range
  const types = BLOCK_TYPES.map((t) => typePasses(type, t))
  if (afterSeq === undefined && from === undefined && to === undefined) return (c) => types[c.typeIndex]!
  return (c) =>
    types[c.typeIndex]! &&
    (afterSeq === undefined || c.seq > afterSeq) &&
    (from === undefined || c.time >= from) &&
    (to === undefined || c.time < to)
}

const rowAt = (cursor: BlockCursor | BlockMark, symbol: string) => ({
  seq: cursor.seq,
  id: cursor.idString(),
  type: cursor.type,
  version: cursor.version,
  time: cursor.time,
  symbol,
  source: cursor.source,
})

/** Every event of the block in the range (books decoded when first read, as `scan`'s rows). */
const allEvents = (block: BlockRow, range: BlockRange, checked: boolean): Array<StoredEvent> => {
  const out: Array<StoredEvent> = []
  const inRange = rangeTest(range)
  const cursor = new BlockCursor(block.payload, block.seq, block.time, block.books)
  while (cursor.next())
    if (inRange(cursor)) out.push(eventOf({ ...rowAt(cursor, block.symbol), payload: cursor.payload() }, checked))
  if (cursor.skipped > 0) throw new Error("stored block: superseded books asked for without the block's tail")
  return out
}

/**
 * The current event's (or `mark`'s) payload decoded, checked against its schema when in JSON form
 * (packed payloads are checked by their decoder).
 */
const decodedOf = (cursor: BlockCursor, symbol: string, mark?: BlockMark): unknown => {
  const payload = mark === undefined ? cursor.decoded() : cursor.decodedAt(mark)
  if (!cursor.jsonForm(mark)) return payload
  const at = mark ?? cursor
  return checkedPayload({ type: at.type, version: at.version, seq: at.seq, symbol }, payload)
}

// The block's last book so far, as a mark (one per process: a block is read to its end at once).
const lastBook = new BlockMark()

/** The block thinned to what a score reads (see the module note), in one walk. */
const pictureEvents = (block: BlockRow, range: BlockRange): Array<StoredEvent> => {
  const inRange = rangeTest(range)
  const out: Array<StoredEvent> = []
  // The last book in range (marked, not built), where it goes among `out`, and how many books it stands for.
  let bookAt = -1
  let books = 0
  // The open merged batch: its parts, and the run of this block's packed batches it ends with.
  let merged: { readonly list: TradeList; run: PackedRun | undefined; readonly event: StoredEvent; batches: number }
  let open = false
  let newest = -Infinity
  const bytes = block.payload
  // A run's room for batches: a block's books and trade batches alternate, so its list of them
  // is made once, not grown batch by batch.
  const batches = (block.count + 1) >> 1
  const cursor = new BlockCursor(bytes, block.seq, block.time, block.books)
  while (cursor.next()) {
    if (!inRange(cursor)) continue
    if (cursor.type === "market.orderbook") {
      cursor.mark(lastBook)
      bookAt = out.length
      books++
      continue
    }
    if (cursor.type !== "market.trades") {
      out.push(eventWith(rowAt(cursor, block.symbol), decodedOf(cursor, block.symbol)))
      continue
    }
    // A packed batch joins the open merged batch as where its columns are (read when it is
    // appended to a tape); one whose newest trade is older starts a new merged batch.
    const at = cursor.packedColumns()
    if (at >= 0) {
      const batch = scanColumns(bytes, at, cursor.payloadEnd)
      const batchNewest = batch.newest
      if (open && batchNewest >= newest) {
        if (merged!.run === undefined) merged!.list.add((merged!.run = new PackedRun(bytes, batches)))
        merged!.run.add(at, batch)
        standsFor(merged!.event, ++merged!.batches)
      } else {
        const run = new PackedRun(bytes, batches)
        run.add(at, batch)
        const list = new TradeList()
        list.add(run)
        const { symbol, exchange } = packedTradesHead(bytes, cursor.payloadStart, cursor.payloadEnd)
        const event = eventWith(rowAt(cursor, block.symbol), batchPayload(symbol, exchange, list))
        merged = { list, run, event, batches: 1 }
        open = true
        out.push(event)
      }
      newest = batchNewest
      continue
    }
    // A batch in an earlier form (JSON, checked): its trades join as objects.
    const payload = decodedOf(cursor, block.symbol) as Trades
    const batch = tradeBatchOf(payload) ?? payload.trades
    const batchNewest = Array.isArray(batch) ? newestOf(batch) : (batch as TradeBatch).newest
    // The decoded batch's run is this reader's own (over the block's bytes): later batches join it.
    const run = batch instanceof PackedRun ? batch : undefined
    if (open && batchNewest >= newest) {
      merged!.list.add(batch)
      merged!.run = run
      standsFor(merged!.event, ++merged!.batches)
    } else {
      const list = new TradeList()
      list.add(batch)
      const event = eventWith(rowAt(cursor, block.symbol), batchPayload(payload.symbol, payload.exchange, list))
      merged = { list, run, event, batches: 1 }
      open = true
      out.push(event)
    }
    newest = batchNewest
  }
  // Books passed over unread (format 3 without its tail: the range does not cut the block, so
  // they are all in it, when books pass its type filter at all).
  if (cursor.skipped > 0 && typePasses(range.type, "market.orderbook")) books += cursor.skipped
  if (bookAt >= 0) {
    const book = standsFor(eventWith(rowAt(lastBook, block.symbol), decodedOf(cursor, block.symbol, lastBook)), books)
    if (bookAt === out.length) out.push(book)
    else out.splice(bookAt, 0, book)
  }
  return out
}

/**
 * The block's events in the range, all of them or thinned (`coalesced`); a bad block throws an
 * EventStoreError. Payloads in JSON form are checked against their schemas (`checkedPayload`), in
 * a thinned read always (it feeds a replay), in a read of every event unless `checked` is false
 * (queries and tiering hand the rows on as stored).
 */
export const blockEvents = (
  block: BlockRow,
  range: BlockRange,
  coalesced: boolean,
  checked = true,
): Array<StoredEvent> => {
  try {
    return coalesced ? pictureEvents(block, range) : allEvents(block, range, checked)
  } catch (cause) {
    return fail(cause)
  }
}
