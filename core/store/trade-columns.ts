/**
 * @module Trade batches as integer columns, like books (book-columns.ts): exchanges print
 * prices on a tick and amounts on a lot, so scaled to integers at the batch's own precision the
 * prices become small deltas between consecutive trades, the times small deltas, and the sides
 * one letter each: far fewer bytes than the batch as JSON (packed as varints in the hot tier,
 * packed-market.ts; gzipped JSON in the warm tier). Numeric trade ids (most
 * exchanges count them) are kept as deltas too. A batch whose numbers do not round-trip exactly,
 * or whose trades carry other fields, is not encoded and is stored as JSON.
 *
 * Layout: ["t1", symbol, exchange | null, price decimals, amount decimals, count, ids numeric
 * (1) or not (0), ids (deltas or strings), time deltas, price deltas, amounts, sides ("bs…")],
 * the first of each delta column absolute.
 */
import type { PayloadOf } from "../events/index.ts"
import { decimals, scaled } from "./book-columns.ts"

type Trades = PayloadOf<"market.trades">
type Trade = Trades["trades"][number]

export const TRADE_COLUMNS = "t1"
const MAX_DECIMALS = 12
const BATCH_KEYS = new Set(["symbol", "exchange", "trades"])
const TRADE_KEYS = new Set(["id", "time", "price", "amount", "side"])
const NUMERIC_ID = /^(0|[1-9]\d{0,14})$/

const precision = (trades: ReadonlyArray<Trade>, key: "price" | "amount"): number => {
  let d = 0
  for (const t of trades) {
    const k = decimals(t[key])
    if (k < 0) return -1
    d = Math.max(d, k)
  }
  return d
}

/** The integer columns of a trade batch, or undefined when it cannot be encoded exactly. */
export const tradesToColumns = (batch: Trades): Array<string | number | null> | undefined => {
  for (const key of Object.keys(batch)) if (!BATCH_KEYS.has(key)) return undefined
  const trades = batch.trades
  for (const t of trades) {
    for (const key of Object.keys(t)) if (!TRADE_KEYS.has(key)) return undefined
    if (!Number.isSafeInteger(t.time)) return undefined
  }
  const pd = precision(trades, "price")
  const ad = precision(trades, "amount")
  if (pd < 0 || ad < 0 || pd > MAX_DECIMALS || ad > MAX_DECIMALS) return undefined
  const numeric = trades.every((t) => NUMERIC_ID.test(t.id))
  const out: Array<string | number | null> = [
    TRADE_COLUMNS,
    batch.symbol,
    batch.exchange ?? null,
    pd,
    ad,
    trades.length,
    numeric ? 1 : 0,
  ]
  let previous = 0
  for (const t of trades) {
    if (!numeric) out.push(t.id)
    else {
      const id = Number(t.id)
      out.push(id - previous)
      previous = id
    }
  }
  previous = 0
  for (const t of trades) {
    out.push(t.time - previous)
    previous = t.time
  }
  const ps = 10 ** pd
  previous = 0
  for (const t of trades) {
    const p = scaled(t.price, ps)
    if (p === undefined) return undefined
    out.push(p - previous)
    previous = p
  }
  const as = 10 ** ad
  for (const t of trades) {
    const a = scaled(t.amount, as)
    if (a === undefined) return undefined
    out.push(a)
  }
  out.push(trades.map((t) => (t.side === "buy" ? "b" : "s")).join(""))
  return out
}

/** The batch back from its columns (throws naming the problem on a malformed array). */
export const columnsToTrades = (columns: ReadonlyArray<unknown>): Trades => {
  const [, symbol, exchange, pd, ad, n, numeric] = columns
  if (
    typeof symbol !== "string" ||
    (exchange !== null && typeof exchange !== "string") ||
    typeof pd !== "number" ||
    typeof ad !== "number" ||
    typeof n !== "number" ||
    (numeric !== 0 && numeric !== 1)
  ) {
    throw new Error("stored trades: malformed column header")
  }
  const sides = columns[7 + 4 * n]
  if (columns.length !== 8 + 4 * n || typeof sides !== "string" || sides.length !== n)
    throw new Error("stored trades: column lengths do not match")
  const ps = 10 ** pd
  const as = 10 ** ad
  const trades: Array<Trade> = []
  let id = 0
  let time = 0
  let price = 0
  for (let i = 0; i < n; i++) {
    id += numeric === 1 ? Number(columns[7 + i]) : 0
    time += Number(columns[7 + n + i])
    price += Number(columns[7 + 2 * n + i])
    trades.push({
      id: numeric === 1 ? String(id) : String(columns[7 + i]),
      time,
      price: price / ps,
      amount: Number(columns[7 + 3 * n + i]) / as,
      side: sides[i] === "b" ? "buy" : "sell",
    })
  }
  return { symbol, ...(exchange === null ? {} : { exchange }), trades }
}
