/**
 * A synthetic recording of 20 symbols × 1 h as MarketData publishes it (a seeded random walk, so
 * benches need no network and no sim run): per symbol the backfill history (1m × 1000, 5m × 300,
 * 30m × 200, 4h × 200, the default config), then every second a 20-level book and a trade batch,
 * every minute a closed 1m candle, every five minutes derivatives data. `full: false` keeps the
 * candles only; `minutes` sets the length after the history (default one hour).
 */
import type { EventOf, VirtuosoEvent } from "../../../core/events/index.ts"

export const SYMBOLS = Array.from({ length: 20 }, (_, i) => `S${i}/USDT`)
export const MINUTES = 60
export const START = Date.UTC(2026, 10, 30)

let seed = 17
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647

type Candle = { time: number; open: number; high: number; low: number; close: number; volume: number }
const candleAt = (time: number, price: number): Candle => {
  const close = price * (1 + (random() - 0.5) * 0.004)
  return {
    time,
    open: price,
    high: Math.max(price, close) * 1.001,
    low: Math.min(price, close) * 0.999,
    close,
    volume: 10 + random() * 90,
  }
}

/** The recording as a stream of events, made as they are read (a long one needs no memory). */
export function* recordingEvents(full: boolean, minutes = MINUTES): Generator<VirtuosoEvent> {
  seed = 17
  let out: Array<VirtuosoEvent> = []
  let n = 0
  const id = () => `B${String(++n).padStart(9, "0")}`
  const push = <T extends VirtuosoEvent["type"]>(type: T, time: number, payload: EventOf<T>["payload"]) =>
    out.push({ id: id(), type, version: 1, time, source: "market", payload } as EventOf<T> as VirtuosoEvent)
  const flush = function* () {
    const made = out
    out = []
    yield* made
  }
  const price = new Map(SYMBOLS.map((s, i) => [s, 100 + i * 10]))
  push("market.symbols", START, { symbols: SYMBOLS })
  const depth = { "1m": 1000, "5m": 300, "30m": 200, "4h": 200 } as const
  const step = { "1m": 60_000, "5m": 300_000, "30m": 1_800_000, "4h": 14_400_000 } as const
  for (const symbol of SYMBOLS) {
    for (const tf of ["1m", "5m", "30m", "4h"] as const) {
      let p = price.get(symbol)!
      const candles: Array<Candle> = []
      for (let k = depth[tf]; k >= 1; k--) {
        const c = candleAt(START - k * step[tf], p)
        p = c.close
        candles.push(c)
      }
      push("market.candles", START, { symbol, timeframe: tf, candles, backfill: true })
    }
  }
  yield* flush()
  for (let m = 0; m < minutes; m++) {
    for (let s = 0; s < (full ? 60 : 1); s++) {
      const t = START + m * 60_000 + s * 1000
      for (const symbol of SYMBOLS) {
        if (!full) continue
        const mid = price.get(symbol)!
        // Prices on a 0.01 tick and sizes on a 0.001 lot, as exchanges quote books.
        const level = (price: number): [number, number] => [
          Math.round(price * 100) / 100,
          Math.round((1 + random() * 5) * 1000) / 1000,
        ]
        const bids = Array.from({ length: 20 }, (_, k) => level(mid * (1 - 0.0001 * (k + 1))))
        const asks = Array.from({ length: 20 }, (_, k) => level(mid * (1 + 0.0001 * (k + 1))))
        push("market.orderbook", t, { symbol, time: t, bids, asks })
        // Trades on the same tick and a 0.0001 lot, as exchanges print them.
        const trades = Array.from({ length: 5 }, (_, k) => ({
          id: `${symbol}-${t}-${k}`,
          time: t + k,
          price: Math.round(mid * 100) / 100,
          amount: Math.round(random() * 10_000) / 10_000,
          side: random() < 0.5 ? ("buy" as const) : ("sell" as const),
        }))
        push("market.trades", t, { symbol, trades })
      }
    }
    const close = START + (m + 1) * 60_000
    for (const symbol of SYMBOLS) {
      const c = candleAt(close - 60_000, price.get(symbol)!)
      price.set(symbol, c.close)
      push("market.candle.closed", close, { symbol, timeframe: "1m", candle: c })
      if (full && m % 5 === 0) {
        push("market.derivatives", close, {
          symbol,
          time: close,
          fundingRate: { symbol, time: close, rate: 0.0001 },
          longShortRatio: 1 + random(),
        })
      }
    }
    yield* flush()
  }
}

export const recording = (full: boolean, minutes = MINUTES): Array<VirtuosoEvent> => [...recordingEvents(full, minutes)]
