/**
 * @module Recorded market inputs thinned to what a replay's scores can read.
 *
 * Between two events that score (candles, the served set), Analysis only folds books and trades
 * into its picture, and nothing reads the picture until the next score. What that score reads
 * is the symbol's latest book and its trade tape, so within such a stretch:
 *
 * - a book is superseded by the next book of the same symbol (Analysis keeps the last one), and
 *   is left out;
 * - consecutive trade batches of a symbol go in as one batch, as long as each batch's newest
 *   trade is at least as new as every batch before it: the tape keeps the same trades in the same
 *   order, and trims the same prefix (by count and by age from the newest trade), as it does
 *   folding them one batch at a time. A batch that breaks that order starts a new merged batch.
 *
 * Books and trades of different symbols, and a symbol's book and trades, touch different parts
 * of the picture, so keeping each surviving event at its own place keeps the picture at every
 * score exactly what the full sequence builds. `test/core/replay/coalesce.test.ts` checks that
 * against Analysis's market state; the live-equals-replay tests check the scores.
 *
 * Streaming: a stretch is passed on once it holds `limit` events (coalescing restarts there).
 *
 * The coalescer is pushed one event at a time and hands back what is ready, rather than wrapping
 * the recording in a generator: a replay reads every recorded event through it (most of them only
 * to drop or merge them), and a generator's resume per event cost more than the rest of the
 * bookkeeping. A merged batch is made once, when it is passed on: trade objects copied into one
 * array, or — when a stored batch is among them — the batches listed as they are (`TradeList`),
 * so a store's packed trades reach the tape without a trade object made.
 */
import type { EventOf, VirtuosoEvent } from "../events/index.ts"
import { batchPayload, type Trade, type TradeBatch, TradeList, tradeBatchOf } from "../market-schema/index.ts"
import { storedSymbol } from "../store/index.ts"

/** Events a stretch reads at most (kept, dropped or merged) before it is passed on. */
const HOLD_LIMIT = 4096

type TradesEvent = EventOf<"market.trades">

/** A batch as it came: a stored one as it was read, or trade objects. */
type Batch = TradeBatch | ReadonlyArray<Trade>

const batchOf = (payload: TradesEvent["payload"]): Batch => tradeBatchOf(payload) ?? payload.trades

const newestOf = (batch: Batch): number => {
  if (!Array.isArray(batch)) return (batch as TradeBatch).newest
  let newest = -Infinity
  for (let i = 0; i < batch.length; i++) if (batch[i]!.time > newest) newest = batch[i]!.time
  return newest
}

/** What a stretch holds of one symbol; valid only in the stretch it was last touched in. */
interface SymbolHeld {
  stretch: number
  /** Index in `held` of the symbol's latest book (-1: none this stretch). */
  book: number
  /** Index in `held` of the symbol's open merged trade batch (its first batch's event; -1: none). */
  trades: number
  /** Newest trade time of the open merged batch. */
  newest: number
  /** The trade lists of the batches merged into it after the first, in order. */
  later: Array<Batch> | undefined
}

export interface PictureCoalescer {
  /** Takes the recording's next event; appends to `ready` what is passed on now (in order). */
  readonly push: (event: VirtuosoEvent, ready: Array<VirtuosoEvent>) => void
  /** Appends everything still held to `ready` (the recording ended). */
  readonly end: (ready: Array<VirtuosoEvent>) => void
}

/** A coalescer of one recording (see the module note). */
export const makePictureCoalescer = (limit = HOLD_LIMIT): PictureCoalescer => {
  const held: Array<VirtuosoEvent | undefined> = []
  // One record per symbol, reused from stretch to stretch (one lookup per event, nothing cleared).
  const symbols = new Map<string, SymbolHeld>()
  const merged: Array<SymbolHeld> = []
  let stretch = 0
  const heldOf = (symbol: string): SymbolHeld => {
    let h = symbols.get(symbol)
    if (h === undefined) symbols.set(symbol, (h = { stretch, book: -1, trades: -1, newest: 0, later: undefined }))
    else if (h.stretch !== stretch) {
      h.stretch = stretch
      h.book = -1
      h.trades = -1
    }
    return h
  }
  /** Puts the symbol's open merged batch in place of its first batch (once it takes no more). */
  const close = (h: SymbolHeld): void => {
    if (h.later === undefined) return
    const first = held[h.trades] as TradesEvent
    const head = batchOf(first.payload)
    if (!Array.isArray(head) || h.later.some((b) => !Array.isArray(b))) {
      // Stored batches stay as they were read: merged as a list, no trade object made.
      const list = new TradeList()
      list.add(head)
      for (const batch of h.later) list.add(batch)
      const { symbol, exchange } = first.payload
      held[h.trades] = { ...first, payload: batchPayload(symbol, exchange, list) } as TradesEvent
    } else {
      const trades = (head as ReadonlyArray<Trade>).slice()
      for (const batch of h.later as Array<ReadonlyArray<Trade>>)
        for (let i = 0; i < batch.length; i++) trades.push(batch[i]!)
      held[h.trades] = { ...first, payload: { ...first.payload, trades } }
    }
    h.later = undefined
  }
  const release = (ready: Array<VirtuosoEvent>): void => {
    for (let i = 0; i < merged.length; i++) close(merged[i]!)
    for (let i = 0; i < held.length; i++) {
      const event = held[i]
      if (event !== undefined) ready.push(event)
    }
    held.length = 0
    merged.length = 0
    stretch++
  }
  const push = (event: VirtuosoEvent, ready: Array<VirtuosoEvent>): void => {
    switch (event.type) {
      case "market.orderbook": {
        // A stored book's symbol without decoding it: most are dropped unread.
        const h = heldOf(storedSymbol(event) ?? event.payload.symbol)
        if (h.book >= 0) held[h.book] = undefined
        h.book = held.length
        held.push(event)
        break
      }
      case "market.trades": {
        const { symbol } = event.payload
        const trades = batchOf(event.payload)
        const newest = newestOf(trades)
        const h = heldOf(symbol)
        if (h.trades >= 0 && newest >= h.newest) {
          if (h.later === undefined) {
            h.later = [trades]
            merged.push(h)
          } else h.later.push(trades)
          h.newest = newest
          // Read, not held: it still counts towards the stretch's limit.
          held.push(undefined)
          break
        }
        // A batch older than the open one starts a new one; the open one is complete.
        if (h.trades >= 0) close(h)
        h.trades = held.length
        h.newest = newest
        held.push(event)
        break
      }
      case "market.ticker":
      case "market.derivatives":
        held.push(event)
        break
      default:
        release(ready)
        ready.push(event)
        return
    }
    if (held.length >= limit) release(ready)
  }
  return { push, end: release }
}
