/**
 * @module The trade tape Analysis keeps per symbol: what the order-flow indicators read.
 */
import type { Trade } from "../market-schema/index.ts"

/** The tape the order-flow indicators read: the last five minutes of trades. */
export const TAPE_MS = 5 * 60_000
/** A busy market's five minutes can be many thousand trades: at most this many are kept. */
export const TAPE_LIMIT = 1000

/** Appends a batch (oldest first) and drops what is older than `TAPE_MS` before the newest or beyond `limit`. */
export const pushTape = (tape: Array<Trade>, trades: ReadonlyArray<Trade>, limit = TAPE_LIMIT): void => {
  for (const trade of trades) tape.push(trade)
  let newest = -Infinity
  for (let i = Math.max(0, tape.length - trades.length); i < tape.length; i++)
    if (tape[i]!.time > newest) newest = tape[i]!.time
  let drop = Math.max(0, tape.length - limit)
  while (drop < tape.length && tape[drop]!.time < newest - TAPE_MS) drop++
  if (drop > 0) tape.splice(0, drop)
}
