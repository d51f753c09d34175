/**
 * The tape rule applied to an array of trade objects, as Analysis kept its tapes before it kept
 * them as columns: appends a batch (oldest first), then drops, from the oldest on, what is beyond
 * `limit` and then what is older than `TAPE_MS` before the batch's newest trade. The reference the
 * columns tape is checked against, and a tape of trade objects for the readers that take one.
 */
import { TAPE_LIMIT, TAPE_MS } from "../../core/analysis/tape.ts"
import type { Trade } from "../../core/market-schema/index.ts"

export const pushArrayTape = (tape: Array<Trade>, trades: ReadonlyArray<Trade>, limit = TAPE_LIMIT): void => {
  for (const trade of trades) tape.push(trade)
  let newest = -Infinity
  for (let i = Math.max(0, tape.length - trades.length); i < tape.length; i++)
    if (tape[i]!.time > newest) newest = tape[i]!.time
  let drop = Math.max(0, tape.length - limit)
  while (drop < tape.length && tape[drop]!.time < newest - TAPE_MS) drop++
  if (drop > 0) tape.splice(0, drop)
}
