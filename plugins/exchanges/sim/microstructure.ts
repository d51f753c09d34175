/**
 * Order books, trades and derivatives data for the simulated exchange, all leaning with the
 * price path's trend so orderbook/orderflow/sentiment indicators have something real to find.
 * Everything is derived from (seed, symbol, minute), so any snapshot can be regenerated.
 */
import type { BookLevel, Liquidation, OrderBook, Trade } from "virtuoso/sdk"
import { MINUTE, type PricePath } from "./price-path.ts"
import { makeRng, seedFor } from "./rng.ts"

const BOOK_SEED = 1
const TRADE_SEED = 2

const lean = (path: PricePath, minute: number) => Math.tanh(path.trendAt(minute) * 4)

/**
 * `x` on a grid of `digits` significant decimal digits of `scale`'s magnitude: real exchanges
 * quote prices on a tick and sizes on a lot, so the sim's books and trades carry short decimals
 * as theirs do (and the store's integer-column codec applies). Dividing by an integer inverse
 * gives the double nearest the decimal, which prints short.
 */
const onGrid = (x: number, scale: number, digits: number): number => {
  const exponent = Math.floor(Math.log10(Math.abs(scale))) - digits + 1
  if (!Number.isFinite(exponent)) return x
  if (exponent >= 0) return Math.round(x / 10 ** exponent) * 10 ** exponent
  const inverse = 10 ** -exponent
  return Math.round(x * inverse) / inverse
}
/** A tick of about a millionth of the price; a lot of about a thousandth of the typical size. */
const tickOf = (x: number, price: number) => onGrid(x, price, 7)
const lotOf = (x: number, size: number) => Math.max(onGrid(x, size, 4), onGrid(size, size, 4) / 1000)

/** A 50-level book around the minute's close; `sequence` varies snapshots within a minute. */
export const orderBookAt = (
  path: PricePath,
  symbol: string,
  seed: number,
  minute: number,
  sequence: number,
  time: number,
  depth = 50,
): OrderBook => {
  const rng = makeRng(seedFor(seed, symbol, minute, BOOK_SEED * 1_000_003 + sequence))
  const mid = path.closeAt(minute)
  const tick = mid * 0.0001
  const base = path.volumeAt(minute) / 40
  const tilt = lean(path, minute) * 0.45
  const spoofLevel = rng.next() < 0.08 ? 4 + Math.floor(rng.next() * 8) : -1
  const spoofSide = rng.next() < 0.5 ? "bid" : "ask"
  const bids: Array<BookLevel> = []
  const asks: Array<BookLevel> = []
  for (let i = 0; i < depth; i++) {
    const decay = Math.exp(-i / 18) + 0.15
    const wall = (side: string) => (i === spoofLevel && side === spoofSide ? 12 : 1)
    const bid = mid - tick * (i + 0.5 + rng.next() * 0.2)
    const bidSize = base * decay * (0.5 + rng.next()) * (1 + tilt) * wall("bid")
    const ask = mid + tick * (i + 0.5 + rng.next() * 0.2)
    const askSize = base * decay * (0.5 + rng.next()) * (1 - tilt) * wall("ask")
    bids.push([tickOf(bid, mid), lotOf(bidSize, base)])
    asks.push([tickOf(ask, mid), lotOf(askSize, base)])
  }
  return { symbol, time, bids, asks }
}

/** The trades printed during one closed minute, oldest first. */
export const tradesOfMinute = (path: PricePath, symbol: string, seed: number, minute: number): Array<Trade> => {
  const rng = makeRng(seedFor(seed, symbol, minute, TRADE_SEED))
  const candle = path.minuteCandle(minute)
  const count = 20 + Math.floor(rng.next() * 40)
  const direction = Math.tanh(((candle.close - candle.open) / Math.max(candle.high - candle.low, 1e-12)) * 2)
  const buyProbability = 0.5 + 0.25 * direction + 0.15 * lean(path, minute)
  const meanSize = candle.volume / count
  const trades: Array<Trade> = []
  for (let j = 0; j < count; j++) {
    const large = rng.next() < 0.03 ? 8 + rng.next() * 12 : 1
    trades.push({
      id: `${minute}-${j}`,
      time: candle.time + Math.floor((j + rng.next()) * (MINUTE / count)),
      price: tickOf(candle.low + (candle.high - candle.low) * rng.next(), candle.close),
      amount: lotOf((meanSize * Math.exp(0.6 * rng.gaussian()) * large) / 1.2, meanSize),
      side: rng.next() < buyProbability ? "buy" : "sell",
    })
  }
  return trades
}

/** Funding follows the last 8 hours' trend: longs pay in up-trends. */
export const fundingRateAt = (path: PricePath, minute: number): number => {
  let sum = 0
  const from = Math.max(0, minute - 480)
  for (let i = from; i <= minute; i++) sum += path.trendAt(i)
  const average = sum / Math.max(1, minute - from + 1)
  return Math.max(-0.0075, Math.min(0.0075, 0.0001 + 0.0004 * Math.tanh(average * 3)))
}

/** Open interest rises with conviction (trend strength) and breathes slowly. */
export const openInterestAt = (path: PricePath, minute: number, base: number): number =>
  base * Math.exp(0.08 * Math.tanh(Math.abs(path.trendAt(minute)) * 3) + 0.03 * Math.sin(minute / 180))

export const longShortRatioAt = (path: PricePath, minute: number): number => 1 + 0.35 * lean(path, minute)

/** Liquidations on violent minutes, against the move: a dump liquidates longs. */
export const liquidationsOfMinute = (path: PricePath, minute: number, volatility: number): Array<Liquidation> => {
  if (minute < 1) return []
  const candle = path.minuteCandle(minute)
  const move = Math.log(candle.close / path.closeAt(minute - 1))
  if (Math.abs(move) < 2.5 * volatility) return []
  return [
    {
      time: candle.time + MINUTE - 1,
      side: move < 0 ? "long" : "short",
      amount: candle.volume * Math.min(1, Math.abs(move) / (10 * volatility)),
      price: candle.close,
    },
  ]
}
