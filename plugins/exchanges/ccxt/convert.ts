/**
 * @module ccxt unified structures → Virtuoso market shapes. Pure; rows ccxt could not fill
 * (null prices, missing timestamps) are dropped rather than patched with invented numbers.
 */
import type { Candle, FundingRate, Liquidation, OpenInterest, OrderBook, Ticker, Trade } from "virtuoso/sdk"

const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined)

/**
 * A unified structure as ccxt hands it over. ccxt's own typings promise fields that exchanges leave
 * null or omit, so every field is read as `unknown` and checked here, never trusted.
 */
type CcxtRow = { readonly [field: string]: unknown }

/** ccxt's structures are interfaces, which carry no index signature: each is taken as an object and read as a row. */
const asRow = (x: object): CcxtRow => x as CcxtRow

const field = (row: unknown, key: string): unknown =>
  typeof row === "object" && row !== null ? (row as CcxtRow)[key] : undefined

export const toCandles = (rows: ReadonlyArray<ReadonlyArray<unknown>>): Array<Candle> => {
  const out: Array<Candle> = []
  for (const r of rows) {
    const time = num(r[0]),
      open = num(r[1]),
      high = num(r[2]),
      low = num(r[3]),
      close = num(r[4])
    if (time === undefined || open === undefined || high === undefined || low === undefined || close === undefined)
      continue
    out.push({ time, open, high, low, close, volume: num(r[5]) ?? 0 })
  }
  return out
}

type Levels = ReadonlyArray<ReadonlyArray<unknown>>

const levels = (side: Levels | undefined, limit: number) => {
  const out: Array<readonly [number, number]> = []
  for (const l of side ?? []) {
    const p = num(l[0]),
      a = num(l[1])
    if (p !== undefined && a !== undefined) out.push([p, a])
    if (out.length >= limit) break
  }
  return out
}

export const toOrderBook = (
  symbol: string,
  book: { timestamp?: number | undefined; bids?: Levels; asks?: Levels },
  now: number,
  limit: number,
): OrderBook => ({
  symbol,
  time: num(book.timestamp) ?? now,
  bids: levels(book.bids, limit),
  asks: levels(book.asks, limit),
})

export const toTrades = (trades: ReadonlyArray<object>): Array<Trade> => {
  const out: Array<Trade> = []
  for (const trade of trades) {
    const t = asRow(trade)
    const time = num(t.timestamp),
      price = num(t.price),
      amount = num(t.amount)
    if (time === undefined || price === undefined || amount === undefined) continue
    out.push({
      id: String(t.id ?? `${time}-${price}-${amount}`),
      time,
      price,
      amount,
      side: t.side === "sell" ? "sell" : "buy",
    })
  }
  return out
}

export const toTicker = (unified: object, now: number): Ticker | undefined => {
  const t = asRow(unified)
  const last = num(t.last) ?? num(t.close)
  if (typeof t.symbol !== "string" || last === undefined) return undefined
  const ticker: { -readonly [K in keyof Ticker]: Ticker[K] } = { symbol: t.symbol, time: num(t.timestamp) ?? now, last }
  const bid = num(t.bid),
    ask = num(t.ask),
    percentage = num(t.percentage)
  // Some exchanges report only base volume; turnover ≈ base volume × VWAP (or last) then.
  const quoteVolume =
    num(t.quoteVolume) ?? (num(t.baseVolume) !== undefined ? num(t.baseVolume)! * (num(t.vwap) ?? last) : undefined)
  if (bid !== undefined) ticker.bid = bid
  if (ask !== undefined) ticker.ask = ask
  if (quoteVolume !== undefined) ticker.quoteVolume = quoteVolume
  if (percentage !== undefined) ticker.percentage = percentage
  return ticker
}

export const toFundingRate = (symbol: string, funding: object, now: number): FundingRate | undefined => {
  const f = asRow(funding)
  const rate = num(f.fundingRate)
  return rate === undefined ? undefined : { symbol, time: num(f.timestamp) ?? now, rate }
}

export const toOpenInterest = (symbol: string, interest: object, now: number): OpenInterest | undefined => {
  const o = asRow(interest)
  const amount = num(o.openInterestAmount)
  if (amount === undefined) return undefined
  const value = num(o.openInterestValue)
  return { symbol, time: num(o.timestamp) ?? now, amount, ...(value === undefined ? {} : { value }) }
}

/**
 * What ccxt's `side` of a liquidation names: the forced order's side ("sell" closes a long; Binance,
 * OKX), or the liquidated position's side ("buy" = a long was liquidated; Bybit's `allLiquidation`).
 */
export type LiquidationSide = "order" | "position"

const rawSide = (r: CcxtRow): string | undefined => {
  const side = r.side ?? field(r.info, "S") ?? field(r.info, "side")
  return typeof side === "string" ? side.toLowerCase() : undefined
}

/**
 * Size in base currency: ccxt's `baseValue`, else contracts × contract size (ccxt leaves both
 * empty when its parser does not pass the market on, as OKX's websocket parser does: the caller
 * then passes the market's `contractSize`).
 * Rows without a time, price, size or side are dropped (never guessed).
 */
export const toLiquidations = (
  rows: ReadonlyArray<object>,
  sideMeans: LiquidationSide = "order",
  contractSize?: number,
): Array<Liquidation> => {
  const out: Array<Liquidation> = []
  for (const row of rows) {
    const r = asRow(row)
    const time = num(r.timestamp),
      price = num(r.price)
    const contracts = num(r.contracts)
    const amount =
      num(r.baseValue) ?? (contracts === undefined ? undefined : contracts * (num(r.contractSize) ?? contractSize ?? 1))
    const side = rawSide(r)
    if (time === undefined || price === undefined || amount === undefined) continue
    if (side !== "buy" && side !== "sell") continue
    const longLiquidated = sideMeans === "order" ? side === "sell" : side === "buy"
    out.push({ time, price, amount, side: longLiquidated ? "long" : "short" })
  }
  return out
}
