/**
 * @module The tapes a plugin worker keeps, one per shared entry: the columns, caught up by each
 * update (a whole tape, or the trades to drop and to append); what plugins are handed (a frozen
 * view of the columns as `ctx.tape`, and `ctx.trades` made when first read); and a copy of the
 * columns' bytes as they came, to check after a batch that no plugin wrote into them (typed
 * arrays cannot be frozen): one native compare per column, not a loop over every value.
 */
import type { Trade } from "../../market-schema/index.ts"
import type { TapeColumns } from "../scoring/tape.ts"
import { TradeTape } from "../trade-tape.ts"
import type { SharedUpdate } from "./protocol.ts"

interface WorkerTape {
  readonly tape: TradeTape
  readonly view: TapeColumns
  /** Each column's bytes [0, length) as plugins are handed them, and a copy as they came. */
  readonly bytes: ReadonlyArray<Buffer>
  readonly shadow: ReadonlyArray<Buffer>
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
  // Views of the columns as they are now: the columns are replaced only by the next update.
  const bytes = COLUMN_KEYS.map((k) => {
    const c = tape[k]
    return Buffer.from(c.buffer, c.byteOffset, c.BYTES_PER_ELEMENT * length)
  })
  tapes[u.id] = { tape, view, bytes, shadow: bytes.map((b) => Buffer.from(b)), trades: undefined }
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
  for (let k = 0; k < w.bytes.length; k++) {
    if (w.bytes[k]!.equals(w.shadow[k]!)) continue
    ok = false
    w.shadow[k]!.copy(w.bytes[k]!)
  }
  return ok
}
