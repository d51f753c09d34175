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
 */
import type { EventOf, VirtuosoEvent } from "../events/index.ts"
import { storedSymbol } from "../store/index.ts"

/** Events a stretch reads at most (kept, dropped or merged) before it is passed on. */
const HOLD_LIMIT = 4096

const newestOf = (event: EventOf<"market.trades">): number => {
  let newest = -Infinity
  for (const trade of event.payload.trades) if (trade.time > newest) newest = trade.time
  return newest
}

interface MergedTrades {
  /** Index in `held` of the symbol's open merged batch. */
  readonly at: number
  newest: number
  /** Whether `held[at]` is this module's own copy (its trade list may grow). */
  owned: boolean
}

/** `events` with superseded books dropped and mergeable trade batches merged (see the module note). */
export function* coalescePicture(events: Iterable<VirtuosoEvent>, limit = HOLD_LIMIT): Generator<VirtuosoEvent> {
  let held: Array<VirtuosoEvent | undefined> = []
  // Picture events read since the last release: what bounds the hold, merged batches included.
  let taken = 0
  const bookAt = new Map<string, number>()
  const tradesAt = new Map<string, MergedTrades>()
  const release = function* () {
    const out = held
    held = []
    taken = 0
    bookAt.clear()
    tradesAt.clear()
    for (const event of out) if (event !== undefined) yield event
  }
  for (const event of events) {
    switch (event.type) {
      case "market.orderbook": {
        // A stored book's symbol without decoding it: most are dropped unread.
        const symbol = storedSymbol(event) ?? event.payload.symbol
        const before = bookAt.get(symbol)
        if (before !== undefined) held[before] = undefined
        bookAt.set(symbol, held.length)
        held.push(event)
        break
      }
      case "market.trades": {
        const symbol = event.payload.symbol
        const newest = newestOf(event)
        const open = tradesAt.get(symbol)
        if (open !== undefined && newest >= open.newest) {
          const merged = held[open.at] as EventOf<"market.trades">
          if (open.owned) for (const trade of event.payload.trades) merged.payload.trades.push(trade)
          else {
            const trades = [...merged.payload.trades, ...event.payload.trades]
            held[open.at] = { ...merged, payload: { ...merged.payload, trades } }
            open.owned = true
          }
          open.newest = newest
          break
        }
        tradesAt.set(symbol, { at: held.length, newest, owned: false })
        held.push(event)
        break
      }
      case "market.ticker":
      case "market.derivatives":
        held.push(event)
        break
      default:
        yield* release()
        yield event
        continue
    }
    if (++taken >= limit) yield* release()
  }
  yield* release()
}
