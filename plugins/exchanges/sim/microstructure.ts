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
    bids.push([mid - tick * (i + 0.5 + rng.next() * 0.2), base * decay * (0.5 + rng.next()) * (1 + tilt) * wall("bid")])
    asks.push([mid + tick * (i + 0.5 + rng.next() * 0.2), base * decay * (0.5 + rng.next()) * (1 - tilt) * wall("ask")])
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
      price: candle.low + (candle.high - candle.low) * rng.next(),
      amount: (meanSize * Math.exp(0.6 * rng.gaussian()) * large) / 1.2,
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
