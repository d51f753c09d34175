/**
 * @module A block row's events (market-blocks.ts), in commit order: every one of them, or —
 * `coalesced` — only what a score can read from the block.
 *
 * A block never spans another market event (fold.ts), so nothing scores between its events and a
 * reader that keeps the picture a symbol's next score reads may thin it on its own, as the
 * replay's coalescing (core/replay/coalesce.ts) does over a whole stretch:
 *
 * - only the block's last book is kept (a later book of the same symbol supersedes it), and it is
 *   the only one decoded;
 * - consecutive trade batches go out as one, as long as each batch's newest trade is at least as
 *   new as every batch before it (the tape then keeps the same trades and trims the same prefix as
 *   it does folding them a batch at a time); one that breaks that order starts a new merged batch.
 *   A merged batch keeps its first batch's id, seq and time;
 * - tickers and derivatives go out as they are.
 *
 * What goes out says how many recorded events it stands for (`storedCount`).
 *
 * Only the events in the range are looked at: one outside it neither goes out nor supersedes.
 */
import type { PayloadOf } from "../events/index.ts"
import { BlockCursor } from "./market-blocks.ts"
import type { StoredEvent } from "./schema.ts"
import type { ScanRange } from "./seq-scan.ts"
import { eventOf, eventWith, fail, standsFor } from "./stored-row.ts"

export interface BlockRow {
  readonly seq: number
  readonly time: number
  readonly symbol: string
  readonly count: number
  readonly payload: Uint8Array
}

type Trades = PayloadOf<"market.trades">

/** What a block read takes: a scan's range, and the seq it has read up to (events at or below it are skipped). */
export interface BlockRange extends ScanRange {
  readonly afterSeq?: number | undefined
}

const inRange = (cursor: BlockCursor, range: BlockRange): boolean => {
  if (range.afterSeq !== undefined && cursor.seq <= range.afterSeq) return false
  if (range.from !== undefined && cursor.time < range.from) return false
  if (range.to !== undefined && cursor.time >= range.to) return false
  if (range.type === undefined) return true
  return range.type.endsWith(".*") ? cursor.type.startsWith(range.type.slice(0, -1)) : cursor.type === range.type
}

const rowAt = (cursor: BlockCursor, symbol: string) => ({
  seq: cursor.seq,
  id: cursor.idString(),
  type: cursor.type,
  version: cursor.version,
  time: cursor.time,
  symbol,
  source: cursor.source,
})

/** Every event of the block in the range (books decoded when first read, as `scan`'s rows). */
const allEvents = (block: BlockRow, range: BlockRange): Array<StoredEvent> => {
  const out: Array<StoredEvent> = []
  const cursor = new BlockCursor(block.payload, block.seq, block.time)
  while (cursor.next())
    if (inRange(cursor, range)) out.push(eventOf({ ...rowAt(cursor, block.symbol), payload: cursor.payload() }))
  return out
}

/** The block thinned to what a score reads (see the module note). */
const pictureEvents = (block: BlockRow, range: BlockRange): Array<StoredEvent> => {
  // First walk: which in-range event is the last book, and how many books it stands for (headers
  // only, nothing decoded).
  let lastBook = -1
  let books = 0
  const scout = new BlockCursor(block.payload, block.seq, block.time)
  for (let i = 0; scout.next(); i++) {
    if (scout.type !== "market.orderbook" || !inRange(scout, range)) continue
    lastBook = i
    books++
  }
  const out: Array<StoredEvent> = []
  let merged: { readonly trades: Trades["trades"]; readonly event: StoredEvent; batches: number } | undefined
  let newest = -Infinity
  const cursor = new BlockCursor(block.payload, block.seq, block.time)
  for (let i = 0; cursor.next(); i++) {
    if (!inRange(cursor, range)) continue
    if (cursor.type === "market.orderbook") {
      if (i === lastBook) out.push(standsFor(eventWith(rowAt(cursor, block.symbol), cursor.decoded()), books))
      continue
    }
    if (cursor.type !== "market.trades") {
      out.push(eventWith(rowAt(cursor, block.symbol), cursor.decoded()))
      continue
    }
    if (merged !== undefined) {
      // A packed batch goes straight onto the merged list, and comes off again in the rare case
      // its newest trade is older than the list's.
      const from = merged.trades.length
      const batchNewest = cursor.appendTrades(merged.trades)
      if (batchNewest !== undefined && batchNewest >= newest) {
        standsFor(merged.event, ++merged.batches)
        newest = batchNewest
        continue
      }
      merged.trades.length = from
    }
    const payload = cursor.decoded() as Trades
    let batchNewest = -Infinity
    for (const trade of payload.trades) if (trade.time > batchNewest) batchNewest = trade.time
    if (merged !== undefined && batchNewest >= newest) {
      // The decoded batch is this reader's own, so the merged list grows in place.
      for (const trade of payload.trades) merged.trades.push(trade)
      standsFor(merged.event, ++merged.batches)
    } else {
      merged = { trades: payload.trades, event: eventWith(rowAt(cursor, block.symbol), payload), batches: 1 }
      out.push(merged.event)
    }
    newest = batchNewest
  }
  return out
}

/** The block's events in the range, all of them or thinned (`coalesced`); a bad block throws an EventStoreError. */
export const blockEvents = (block: BlockRow, range: BlockRange, coalesced: boolean): Array<StoredEvent> => {
  try {
    return coalesced ? pictureEvents(block, range) : allEvents(block, range)
  } catch (cause) {
    return fail(cause)
  }
}
