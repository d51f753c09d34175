/**
 * Every plugin's rule points the way its header says: a hand-built bullish situation scores
 * above 55 and its mirror image below 45.
 */
import { describe, expect, test } from "bun:test"
import type { CandleColumns } from "../../../core/plugins/sdk.ts"
import {
  type ContextParts,
  bookOf,
  columns,
  loadPlugins,
  mirror,
  run,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  tapeOf,
  trendCandles,
} from "./support.ts"

const plugins = await loadPlugins()
const byName = (n: string) => {
  const p = plugins.find((x) => x.name === n)
  if (p === undefined) throw new Error(`no plugin ${n}`)
  return p
}

const withData = (c: CandleColumns): ContextParts => {
  const end = c.close.length
  return {
    candles: c,
    orderbook: syntheticBook(c, end),
    trades: syntheticTrades(c, end),
    market: syntheticMarket(c, end),
  }
}

/** Zig-zag between 100 and 110 (swing levels), ending just above the 100 support. */
const nearSupport = (): CandleColumns => {
  const path: Array<number> = []
  for (let leg = 0; leg < 8; leg++) for (let k = 0; k < 10; k++) path.push(leg % 2 === 0 ? 100 + k : 110 - k)
  path.push(101, 100.6)
  return columns(
    path.map((p, i) => {
      const prev = path[Math.max(0, i - 1)]
      return [i * 60_000, prev, Math.max(prev, p) + 0.2, Math.min(prev, p) - 0.2, p, 10] as const
    }),
  )
}

/** Quiet drift, a red candle, an impulsive green candle, then a pull-back to just above the red candle. */
const bullishOrderBlock = (): CandleColumns => {
  const rows: Array<[number, number, number, number, number, number]> = []
  let p = 100
  for (let i = 0; i < 60; i++) {
    const c = p + 0.05 * Math.sin(i)
    rows.push([i * 60_000, p, Math.max(p, c) + 0.05, Math.min(p, c) - 0.05, c, 10])
    p = c
  }
  rows.push([60 * 60_000, p, p + 0.05, p - 0.3, p - 0.25, 10])
  p -= 0.25
  rows.push([61 * 60_000, p, p + 2.05, p - 0.02, p + 2, 30])
  p += 2
  for (let i = 62; i < 75; i++) {
    const c = p - 0.15
    rows.push([i * 60_000, p, p + 0.03, c - 0.03, c, 10])
    p = c
  }
  return columns(rows)
}

const bull = trendCandles(300, 0.002)
const candleCases: Record<string, () => readonly [ContextParts, ContextParts]> = {
  "price-support-resistance": () => [{ candles: nearSupport() }, { candles: mirror(nearSupport()) }],
  "price-liquidity-zones": () => [{ candles: bullishOrderBlock() }, { candles: mirror(bullishOrderBlock()) }],
}

const bidHeavy = bookOf(
  [30, 25, 20, 20, 18, 15, 15, 14, 12, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
  Array(25).fill(8),
)
const askHeavy = bookOf(
  bidHeavy.asks.map((l) => l[1]),
  bidHeavy.bids.map((l) => l[1]),
)
const even = bookOf(Array(25).fill(10), Array(25).fill(10))
const wall = (side: "bids" | "asks") =>
  bookOf(
    Array.from({ length: 25 }, (_, i) => (side === "bids" && i === 12 ? 120 : 10)),
    Array.from({ length: 25 }, (_, i) => (side === "asks" && i === 12 ? 120 : 10)),
  )
const buyTape = tapeOf(400, { buyShare: 0.7, buySize: 1.4, sellSize: 1, drift: 0.002, large: "buy" })
const sellTape = tapeOf(400, { buyShare: 0.3, buySize: 1, sellSize: 1.4, drift: -0.002, large: "sell" })
const cs = trendCandles(100, 0.001)

const dataCases: Record<string, () => readonly [ContextParts, ContextParts]> = {
  "orderbook-depth": () => [{ orderbook: bidHeavy }, { orderbook: askHeavy }],
  "orderbook-imbalance": () => [{ orderbook: bidHeavy }, { orderbook: askHeavy }],
  "orderbook-oir": () => [{ orderbook: bidHeavy }, { orderbook: askHeavy }],
  "orderbook-liquidity": () => [{ orderbook: bidHeavy }, { orderbook: askHeavy }],
  "orderbook-depth-imbalance": () => [{ orderbook: bidHeavy }, { orderbook: askHeavy }],
  "orderbook-spoofing": () => [{ orderbook: wall("asks") }, { orderbook: wall("bids") }],
  "orderbook-pressure": () => [
    { orderbook: even, trades: buyTape },
    { orderbook: even, trades: sellTape },
  ],
  // Heavy selling that leaves price flat against stacked bids is absorbed: bullish (and mirrored).
  "orderbook-absorption": () => [
    { orderbook: bidHeavy, trades: tapeOf(300, { buyShare: 0.25 }) },
    { orderbook: askHeavy, trades: tapeOf(300, { buyShare: 0.75 }) },
  ],
  "orderflow-cvd": () => [{ trades: buyTape }, { trades: sellTape }],
  "orderflow-trade-flow": () => [{ trades: buyTape }, { trades: sellTape }],
  "orderflow-imbalance": () => [{ trades: buyTape }, { trades: sellTape }],
  "orderflow-smart-money": () => [{ trades: buyTape }, { trades: sellTape }],
  "orderflow-liquidity": () => [{ trades: buyTape }, { trades: sellTape }],
  "orderflow-pressure": () => [{ trades: buyTape }, { trades: sellTape }],
  "orderflow-oi-price": () => {
    const oi = (g: number) =>
      Array.from({ length: 12 }, (_, k) => ({ symbol: "T", time: cs.time[88 + k], amount: 1e6 * (1 + g * k) }))
    return [
      { candles: cs, market: { openInterest: oi(0.01) } },
      { candles: mirror(cs), market: { openInterest: oi(0.01) } },
    ]
  },
  "sentiment-funding": () => [
    { market: { fundingRate: { symbol: "T", time: 0, rate: -0.0003 } } },
    { market: { fundingRate: { symbol: "T", time: 0, rate: 0.0007 } } },
  ],
  "sentiment-long-short": () => [{ market: { longShortRatio: 0.6 } }, { market: { longShortRatio: 2.2 } }],
  "sentiment-activity": () => [
    { candles: cs, market: { ticker: { symbol: "T", time: 0, last: 1, percentage: 6 } } },
    { candles: cs, market: { ticker: { symbol: "T", time: 0, last: 1, percentage: -6 } } },
  ],
  "sentiment-liquidations": () => {
    const liq = (side: "long" | "short") =>
      Array.from({ length: 4 }, (_, k) => ({ time: cs.time[99] - k * 60_000, side, amount: 50, price: 100 }))
    const ticker = { symbol: "T", time: cs.time[99], last: 100, quoteVolume: 1e6 }
    return [
      { candles: cs, market: { liquidations: liq("short"), ticker } },
      { candles: cs, market: { liquidations: liq("long"), ticker } },
    ]
  },
  "sentiment-risk": () => {
    const oi = (g: number) =>
      Array.from({ length: 12 }, (_, k) => ({ symbol: "T", time: k, amount: 1e6 * (1 + g * k) }))
    return [
      { candles: cs, market: { fundingRate: { symbol: "T", time: 0, rate: 0.00002 }, openInterest: oi(-0.004) } },
      { candles: cs, market: { fundingRate: { symbol: "T", time: 0, rate: 0.0012 }, openInterest: oi(0.015) } },
    ]
  },
}

describe("score direction", () => {
  for (const p of plugins) {
    test(`${p.name}: bullish case > 55, bearish mirror < 45`, () => {
      const make = dataCases[p.name] ?? candleCases[p.name] ?? (() => [withData(bull), withData(mirror(bull))] as const)
      const [up, down] = make()
      const a = run(byName(p.name), up)
      const b = run(byName(p.name), down)
      expect(a.score, `${p.name} bullish: ${a.reason} ${JSON.stringify(a.values)}`).toBeGreaterThan(55)
      expect(b.score, `${p.name} bearish: ${b.reason} ${JSON.stringify(b.values)}`).toBeLessThan(45)
    })
  }
})
