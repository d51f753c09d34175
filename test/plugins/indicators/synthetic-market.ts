/**
 * Synthetic exchange data for the indicator tests and benches, derived from candles
 * (deterministic, seeded): order books, trades, funding / open interest / long-short /
 * liquidations, and small hand-shaped books and tapes.
 */
import type { CandleColumns, Liquidation, MarketContext, OrderBook, Trade } from "../../../core/plugins/sdk.ts"

/** mulberry32: a small seeded PRNG so synthetic data is the same on every run. */
export const rng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())

/** Price move of the last `n` candles before `end` in random-walk units (σ·√n). */
export const momentumZ = (c: CandleColumns, end: number, n: number): number => {
  const from = Math.max(1, end - n)
  let s2 = 0
  for (let i = from; i < end; i++) s2 += Math.log(c.close[i] / c.close[i - 1]) ** 2
  const sigma = Math.sqrt(s2 / Math.max(1, end - from))
  const move = Math.log(c.close[end - 1] / c.close[from - 1])
  return sigma > 0 ? move / (sigma * Math.sqrt(end - from)) : 0
}

/**
 * Trades for the newest `candles` candles before `end`: each candle's volume split into trades
 * along an open → high/low → close path; buyers dominate when the candle closed near its high
 * (close location), large trades lean the same way, sides are random around that bias.
 */
export const syntheticTrades = (
  c: CandleColumns,
  end: number,
  options: { candles?: number; perCandle?: number; seed?: number; candleMs?: number } = {},
): Array<Trade> => {
  const { candles = 5, perCandle = 80, seed = end, candleMs = 60_000 } = options
  const r = rng(seed * 7919 + 13)
  const trades: Array<Trade> = []
  let id = 0
  for (let i = Math.max(0, end - candles); i < end; i++) {
    const o = c.open[i],
      h = c.high[i],
      l = c.low[i],
      cl = c.close[i]
    const range = h - l
    const clv = range > 0 ? (cl - l - (h - cl)) / range : 0
    const pBuy = Math.min(0.9, Math.max(0.1, 0.5 + 0.3 * clv))
    const path = cl >= o ? [o, l, h, cl] : [o, h, l, cl]
    const mean = c.volume[i] / perCandle
    for (let k = 0; k < perCandle; k++) {
      const u = k / (perCandle - 1)
      const seg = Math.min(2, Math.floor(u * 3))
      const f = u * 3 - seg
      const price = path[seg] + (path[seg + 1] - path[seg]) * f + gauss(r) * range * 0.02
      const large = r() < 0.04
      const side: Trade["side"] =
        r() < (large ? Math.min(0.95, Math.max(0.05, 0.5 + 0.45 * clv)) : pBuy) ? "buy" : "sell"
      const amount = mean * Math.exp(0.6 * gauss(r) - 0.18) * (large ? 6 : 1)
      trades.push({
        id: String(id++),
        time: c.time[i] + u * candleMs * 0.98,
        price: Math.max(price, l * 0.999),
        amount,
        side,
      })
    }
  }
  return trades
}

/**
 * A 25-level book around the last close: sizes grow with depth, lean toward the recent trend
 * (bids thicker after a rise), with random noise and an occasional outsized wall.
 */
export const syntheticBook = (
  c: CandleColumns,
  end: number,
  options: { levels?: number; seed?: number } = {},
): OrderBook => {
  const { levels = 25, seed = end } = options
  const r = rng(seed * 104729 + 7)
  const mid = c.close[end - 1]
  const tick = mid * 0.00005
  const lean = Math.tanh(momentumZ(c, end, 10) / 2)
  const half = (tick * (1 + Math.floor(r() * 3))) / 2
  const base = Math.max(1e-9, c.volume[end - 1] / 40)
  const side = (dir: 1 | -1) => {
    const out: Array<readonly [number, number]> = []
    const tilt = 1 + 0.5 * dir * lean
    const wallAt = r() < 0.1 ? 5 + Math.floor(r() * 15) : -1
    for (let i = 0; i < levels; i++) {
      const price = mid - dir * (half + i * tick * (1 + Math.floor(r() * 2)))
      const amount = base * (1 + 0.15 * i) * tilt * Math.exp(0.4 * gauss(r)) * (i === wallAt ? 8 : 1)
      out.push([price, amount])
    }
    return out
  }
  return { symbol: "TEST/USDT", time: c.time[end - 1] + 60_000, bids: side(1), asks: side(-1) }
}

/**
 * Exchange-only data shaped by the candles: funding and long/short crowding follow the longer
 * trend, open interest builds with it, liquidations hit the losing side after sharp moves.
 */
export const syntheticMarket = (c: CandleColumns, end: number, options: { seed?: number } = {}): MarketContext => {
  const r = rng((options.seed ?? end) * 31337 + 1)
  // Funding and positioning are slow (funding averages the premium over hours): 240 candles.
  const zLong = momentumZ(c, end, 240)
  const zShort = momentumZ(c, end, 5)
  const last = c.close[end - 1]
  const now = c.time[end - 1] + 60_000
  const dayAgo = Math.max(0, end - 1440)
  let quote = 0
  for (let i = dayAgo; i < end; i++) quote += c.volume[i] * c.close[i]
  const openInterest = Array.from({ length: 12 }, (_, k) => ({
    symbol: "TEST/USDT",
    time: now - (11 - k) * 300_000,
    amount: 1e6 * Math.exp(0.004 * k * Math.tanh(zLong) + 0.002 * gauss(r)),
  }))
  const liquidations: Array<Liquidation> = []
  if (Math.abs(zShort) > 1.2) {
    const losing: Liquidation["side"] = zShort > 0 ? "short" : "long"
    for (let k = 0; k < 3; k++)
      liquidations.push({
        time: now - k * 40_000,
        side: losing,
        amount: (quote * 1e-5 * (1 + r())) / last,
        price: last,
      })
  }
  if (r() < 0.3)
    liquidations.push({
      time: now - 600_000,
      side: r() < 0.5 ? "long" : "short",
      amount: (quote * 2e-6) / last,
      price: last,
    })
  liquidations.sort((a, b) => a.time - b.time)
  return {
    ticker: {
      symbol: "TEST/USDT",
      time: now,
      last,
      quoteVolume: quote,
      percentage: (last / c.close[dayAgo] - 1) * 100,
    },
    fundingRate: { symbol: "TEST/USDT", time: now, rate: 0.0001 + 0.0003 * Math.tanh(zLong / 2) + 0.00005 * gauss(r) },
    openInterest,
    longShortRatio: Math.exp(0.35 * Math.tanh(zLong / 2) + 0.05 * gauss(r)),
    liquidations,
  }
}

/** A book from level sizes (best first) around `mid`, `tick` apart. */
export const bookOf = (
  bids: ReadonlyArray<number>,
  asks: ReadonlyArray<number>,
  mid = 100,
  tick = 0.01,
): OrderBook => ({
  symbol: "TEST/USDT",
  time: 0,
  bids: bids.map((a, i) => [mid - tick / 2 - i * tick, a] as const),
  asks: asks.map((a, i) => [mid + tick / 2 + i * tick, a] as const),
})

/**
 * A tape of `n` trades one second apart: every `buyEvery`-th trade pattern decides sides
 * (share of buys), sizes per side, and a price that moves `drift` per trade.
 */
export const tapeOf = (
  n: number,
  o: { buyShare: number; buySize?: number; sellSize?: number; drift?: number; start?: number; large?: "buy" | "sell" },
): Array<Trade> => {
  const { buyShare, buySize = 1, sellSize = 1, drift = 0, start = 100 } = o
  const r = rng(n * 17 + Math.round(buyShare * 1000))
  return Array.from({ length: n }, (_, i) => {
    const side: Trade["side"] = r() < buyShare ? "buy" : "sell"
    const isLarge = o.large !== undefined && i % 10 === 0
    const s = isLarge ? o.large! : side
    const amount = (s === "buy" ? buySize : sellSize) * (0.8 + 0.4 * r()) * (isLarge ? 8 : 1)
    return { id: String(i), time: 1_000_000 + i * 1000, price: start + drift * i + (r() - 0.5) * 0.01, amount, side: s }
  })
}

/** pth percentile (0..100) of finite values, linear interpolation. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return Number.NaN
  const x = (p / 100) * (v.length - 1)
  const lo = Math.floor(x)
  return v[lo] + (v[Math.min(v.length - 1, lo + 1)] - v[lo]) * (x - lo)
}
