/**
 * @module The tapes a plugin worker keeps, one per shared entry: the columns, caught up by each
 * update (a whole tape, or the trades to drop and to append); what plugins are handed (a frozen
 * view of the columns as `ctx.tape`, and `ctx.trades` made when first read); and a copy of the
 * columns as they came, to check after a batch that no plugin wrote into them (typed arrays
 * cannot be frozen).
 */
import type { Trade } from "../../market-schema/index.ts"
import type { TapeColumns } from "../scoring/tape.ts"
import { TradeTape } from "../trade-tape.ts"
import type { SharedUpdate } from "./protocol.ts"

interface WorkerTape {
  readonly tape: TradeTape
  readonly view: TapeColumns
  readonly shadow: ReadonlyArray<Float64Array | Int8Array>
  /** The trade objects last handed out. */
  trades: ReadonlyArray<Trade> | undefined
}

const tapes: Array<WorkerTape | undefined> = []
const COLUMN_KEYS = ["time", "price", "amount", "buy", "buyAmount", "sellAmount"] as const

/** Applies a tape update (see `SharedUpdate`); returns what plugins are handed as `ctx.tape`. */
export const receiveTape = (u: SharedUpdate): TapeColumns => {
  const ids = JSON.parse(u.text) as Array<string | number>
  const n = ids.length
  const f = new Float64Array(u.columns!, 0, 3 * n)
  const buy = new Int8Array(u.columns!, 24 * n, n)
  const held = u.drop === undefined ? undefined : tapes[u.id]
  const tape = held?.tape ?? new TradeTape()
  if (held !== undefined) tape.dropFront(u.drop!)
  tape.reserve(n)
  for (let i = 0; i < n; i++) tape.push(ids[i]!, 0, f[i]!, f[n + i]!, f[2 * n + i]!, buy[i]!)
  const length = tape.length
  const view: TapeColumns = Object.freeze({
    length,
    time: tape.time,
    price: tape.price,
    amount: tape.amount,
    buy: tape.buy,
    buyAmount: tape.buyAmount,
    sellAmount: tape.sellAmount,
  })
  tapes[u.id] = { tape, view, shadow: COLUMN_KEYS.map((k) => tape[k].slice(0, length)), trades: undefined }
  return view
}

/**
 * The tape's trades as objects (one array per version of the tape); `guard` is handed each new
 * array, to freeze and guard it.
 */
export const tapeTrades = (id: number, guard: (trades: ReadonlyArray<Trade>) => void): ReadonlyArray<Trade> => {
  const w = tapes[id]!
  const trades = w.tape.trades()
  if (trades !== w.trades) {
    guard(trades)
    w.trades = trades
  }
  return trades
}

/** Whether entry `id` (if a tape) has its columns as they came; written ones are put back. */
export const tapeIntact = (id: number): boolean => {
  const w = tapes[id]
  if (w === undefined) return true
  let ok = true
  for (let k = 0; k < COLUMN_KEYS.length; k++) {
    const column = w.tape[COLUMN_KEYS[k]!]
    const copy = w.shadow[k]!
    for (let i = 0; i < copy.length; i++) {
      if (column[i] === copy[i] || Object.is(column[i], copy[i])) continue
      ok = false
      column.set(copy)
      break
    }
  }
  return ok
}
