/**
 * @module The trade tape Analysis keeps per symbol: what the order-flow indicators read.
 */
import type { Trade, TradeBatch } from "../market-schema/index.ts"
import type { TradeTape } from "../plugins/index.ts"

/** The tape the order-flow indicators read: the last five minutes of trades. */
export const TAPE_MS = 5 * 60_000
/** A busy market's five minutes can be many thousand trades: at most this many are kept. */
export const TAPE_LIMIT = 1000

const newestOf = (trades: ReadonlyArray<Trade>): number => {
  let newest = -Infinity
  for (let i = 0; i < trades.length; i++) if (trades[i]!.time > newest) newest = trades[i]!.time
  return newest
}

/**
 * Appends a batch (oldest first: trade objects, or a stored batch as it was read) and drops what is
 * older than `TAPE_MS` before the batch's newest trade or beyond `limit`: from the oldest trade
 * on, every trade beyond the limit, then trades while they are that old.
 *
 * What to drop of the tape as it was is known before the batch goes on (its count and newest
 * time are), so those trades go first: the columns then move only the trades that stay, not the
 * batch too. Only a drop that reaches into the batch is finished after it is appended.
 */
export const pushTape = (tape: TradeTape, batch: ReadonlyArray<Trade> | TradeBatch, limit = TAPE_LIMIT): void => {
  const array = Array.isArray(batch)
  const cut = (array ? newestOf(batch) : (batch as TradeBatch).newest) - TAPE_MS
  const held = tape.length
  let drop = Math.max(0, held + batch.length - limit)
  const time = tape.time
  while (drop < held && time[drop]! < cut) drop++
  if (drop > 0) tape.dropFront(Math.min(drop, held))
  if (array) tape.appendTrades(batch)
  else tape.appendBatch(batch as TradeBatch)
  if (drop < held) return
  // Every trade held went: the drop goes on into the batch (now at the front).
  const n = tape.length
  const after = tape.time
  let more = drop - held
  while (more < n && after[more]! < cut) more++
  if (more > 0) tape.dropFront(more)
}
