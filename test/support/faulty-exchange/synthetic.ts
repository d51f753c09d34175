/**
 * @module Synthetic Binance market data for long runs (the whole-engine storm test): klines for
 * any interval/startTime/limit, books, trades and 24h tickers from a deterministic price path,
 * on a server clock that can run faster than the wall clock (`timeScale`).
 */

const INTERVAL_MS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
}

const BASE: Readonly<Record<string, number>> = { BTCUSDT: 43_000, ETHUSDT: 2_300 }

/** Deterministic noise in [-1, 1) from an integer. */
const noise = (n: number): number => {
  let x = Math.imul((n | 0) ^ 0x9e3779b9, 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  x ^= x >>> 16
  return (x >>> 0) / 2 ** 31 - 1
}

export const priceAt = (symbol: string, t: number): number => {
  const base = BASE[symbol] ?? 100
  const minute = Math.floor(t / 60_000)
  return base * (1 + 0.03 * Math.sin(t / 7_200_000) + 0.01 * Math.sin(t / 900_000) + 0.002 * noise(minute))
}

const fmt = (n: number) => n.toFixed(2)

export interface SyntheticMarket {
  /** Server time (ms): starts at the wall clock, runs `timeScale` times faster. */
  readonly now: () => number
  readonly klines: (q: URLSearchParams) => unknown
  readonly depth: (q: URLSearchParams) => unknown
  readonly aggTrades: (q: URLSearchParams) => unknown
  readonly ticker24hr: (q: URLSearchParams) => unknown
}

export const makeSyntheticMarket = (timeScale = 1): SyntheticMarket => {
  const wallStart = Date.now()
  const now = () => wallStart + (Date.now() - wallStart) * timeScale

  const kline = (symbol: string, open: number, step: number) => {
    const o = priceAt(symbol, open)
    const c = priceAt(symbol, open + step)
    const wiggle = Math.abs(noise(open / step)) * 0.002 * o
    const h = Math.max(o, c) + wiggle
    const l = Math.min(o, c) - wiggle
    const v = 5 + 5 * Math.abs(noise(open / step + 7))
    return [
      open,
      fmt(o),
      fmt(h),
      fmt(l),
      fmt(c),
      v.toFixed(5),
      open + step - 1,
      (v * c).toFixed(4),
      100,
      (v / 2).toFixed(5),
      ((v / 2) * c).toFixed(4),
      "0",
    ]
  }

  return {
    now,
    klines: (q) => {
      const symbol = q.get("symbol") ?? "BTCUSDT"
      const step = INTERVAL_MS[q.get("interval") ?? "1m"] ?? 60_000
      const limit = Math.min(1000, Number(q.get("limit") ?? 500))
      const current = Math.floor(now() / step) * step // the open candle
      const start = q.get("startTime")
      const first = start === null ? current - (limit - 1) * step : Math.ceil(Number(start) / step) * step
      const rows: Array<unknown> = []
      for (let t = first; t <= current && rows.length < limit; t += step) rows.push(kline(symbol, t, step))
      return rows
    },
    depth: (q) => {
      const symbol = q.get("symbol") ?? "BTCUSDT"
      const limit = Math.min(100, Number(q.get("limit") ?? 100))
      const mid = priceAt(symbol, now())
      const level = (i: number, side: 1 | -1) => [
        fmt(mid * (1 + side * 0.0001 * (i + 1))),
        (0.1 + Math.abs(noise(i * side + 3))).toFixed(5),
      ]
      return {
        lastUpdateId: Math.floor(now() / 100),
        bids: Array.from({ length: limit }, (_, i) => level(i, -1)),
        asks: Array.from({ length: limit }, (_, i) => level(i, 1)),
      }
    },
    aggTrades: (q) => {
      const symbol = q.get("symbol") ?? "BTCUSDT"
      const t = now()
      return Array.from({ length: 20 }, (_, i) => {
        const at = t - (20 - i) * 500
        const id = Math.floor(at / 500)
        return {
          a: id,
          p: fmt(priceAt(symbol, at)),
          q: (0.01 + Math.abs(noise(id))).toFixed(5),
          f: id,
          l: id,
          T: at,
          m: noise(id + 1) > 0,
          M: true,
        }
      })
    },
    ticker24hr: (q) => {
      const one = (symbol: string) => {
        const t = now()
        const last = priceAt(symbol, t)
        const open = priceAt(symbol, t - 86_400_000)
        return {
          symbol,
          priceChange: fmt(last - open),
          priceChangePercent: ((last / open - 1) * 100).toFixed(3),
          weightedAvgPrice: fmt((last + open) / 2),
          prevClosePrice: fmt(open),
          lastPrice: fmt(last),
          lastQty: "0.01",
          bidPrice: fmt(last * 0.9999),
          bidQty: "1.0",
          askPrice: fmt(last * 1.0001),
          askQty: "1.0",
          openPrice: fmt(open),
          highPrice: fmt(Math.max(last, open) * 1.01),
          lowPrice: fmt(Math.min(last, open) * 0.99),
          volume: "1000.0",
          quoteVolume: fmt(1000 * last),
          openTime: t - 86_400_000,
          closeTime: t,
          firstId: 1,
          lastId: 1000,
          count: 1000,
        }
      }
      const symbol = q.get("symbol")
      return symbol === null ? Object.keys(BASE).map(one) : one(symbol)
    },
  }
}
