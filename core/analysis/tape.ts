/**
 * @module The trade tape Analysis keeps per symbol: what the order-flow indicators read.
 */
import type { Trade, TradeBatch } from "../market-schema/index.ts"
import type { TradeTape } from "../plugins/index.ts"

/** The tape the order-flow indicators read: the last five minutes of trades. */
export const TAPE_MS = 5 * 60_000
/** A busy market's five minutes can be many thousand trades: at most this many are kept. */
export const TAPE_LIMIT = 1000

/**
 * Appends a batch (oldest first: trade objects, or a stored batch as it was read) and drops what is
 * older than `TAPE_MS` before the batch's newest trade or beyond `limit`: from the oldest trade
 * on, every trade beyond the limit, then trades while they are that old.
 */
export const pushTape = (tape: TradeTape, batch: ReadonlyArray<Trade> | TradeBatch, limit = TAPE_LIMIT): void => {
  const from = tape.length
  if (Array.isArray(batch)) tape.appendTrades(batch)
  else tape.appendBatch(batch as TradeBatch)
  const time = tape.time
  const n = tape.length
  let newest = -Infinity
  for (let i = from; i < n; i++) if (time[i]! > newest) newest = time[i]!
  let drop = Math.max(0, n - limit)
  while (drop < n && time[drop]! < newest - TAPE_MS) drop++
  if (drop > 0) tape.dropFront(drop)
}
