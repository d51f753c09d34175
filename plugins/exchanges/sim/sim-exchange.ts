/**
 * The simulated exchange adapter: a deterministic market (from a seed) whose clock runs
 * `speed` 1-minute candles per wall-clock second, so `bun run start` shows scores moving within
 * seconds. It speaks the same ExchangeAdapter contract as the ccxt plugin.
 */
import { type Candle, type ExchangeAdapter, type Ticker, TIMEFRAME_MS, type Trade } from "virtuoso/sdk"
import {
  fundingRateAt,
  liquidationsOfMinute,
  longShortRatioAt,
  openInterestAt,
  orderBookAt,
  tradesOfMinute,
} from "./microstructure.ts"
import { MINUTE, PricePath } from "./price-path.ts"
import { hashString } from "./rng.ts"

/** Starting prices and sizes of the built-in markets (roughly their real magnitudes). */
const MARKETS: Record<string, { price: number; volatility: number; volume: number; openInterest: number }> = {
  "BTC/USDT": { price: 65_000, volatility: 0.0009, volume: 40, openInterest: 80_000 },
  "ETH/USDT": { price: 3_400, volatility: 0.0011, volume: 600, openInterest: 1_200_000 },
  "SOL/USDT": { price: 150, volatility: 0.0015, volume: 9_000, openInterest: 9_000_000 },
  "AVAX/USDT": { price: 35, volatility: 0.0016, volume: 30_000, openInterest: 14_000_000 },
  "XRP/USDT": { price: 0.6, volatility: 0.0013, volume: 2_500_000, openInterest: 600_000_000 },
}

export interface SimOptions {
  readonly seed: number
  /** 1m candles per wall-clock second. */
  readonly speed: number
  readonly symbols: ReadonlyArray<string>
  /**
   * Minutes of history before the start, enough for every timeframe's backfill. The exchange
   * keeps serving this many minutes behind its clock as the clock runs; older ones are forgotten.
   */
  readonly historyMinutes: number
  /** Wall clock in ms (injected so the host, not the plugin, owns time). */
  readonly now: () => number
}

export const makeSimExchange = (options: SimOptions): ExchangeAdapter => {
  const startWall = options.now()
  // Sim time starts at the wall clock (aligned to a minute) and runs `speed`× 60 faster.
  const genesis = Math.floor(startWall / MINUTE) * MINUTE
  const origin = genesis - options.historyMinutes * MINUTE
  const paths = new Map<string, PricePath>()
  let sequence = 0
  let closed = false

  for (const symbol of options.symbols) {
    const market = MARKETS[symbol] ?? {
      price: 10 + (hashString(symbol) % 900),
      volatility: 0.0014,
      volume: 50_000,
      openInterest: 5_000_000,
    }
    paths.set(
      symbol,
      new PricePath({
        seed: (options.seed ^ hashString(symbol)) >>> 0,
        startPrice: market.price,
        volatility: market.volatility,
        baseVolume: market.volume,
        origin,
        keepMinutes: options.historyMinutes,
      }),
    )
  }

  const simNow = () => genesis + (options.now() - startWall) * options.speed * 60
  /** Index of the minute in progress at `now`; minutes before it are closed. */
  const minuteAt = (now: number) => Math.floor((now - origin) / MINUTE)

  /**
   * The symbol's path generated through `minute`. A request reads the clock once and passes that
   * minute on: at speed a sim minute is a few wall milliseconds, so a second reading could land
   * past what was generated and answer NaN.
   */
  const pathOf = (symbol: string, minute: number): PricePath => {
    if (closed) throw new Error("sim exchange is closed")
    const path = paths.get(symbol)
    if (!path) throw new Error(`sim: unknown symbol ${symbol} (known: ${[...paths.keys()].join(", ")})`)
    path.ensure(minute + 1)
    return path
  }

  const marketOf = (symbol: string) => MARKETS[symbol] ?? { volatility: 0.0014, openInterest: 5_000_000 }

  const ticker = (symbol: string): Ticker => {
    const now = simNow()
    const minute = minuteAt(now)
    const path = pathOf(symbol, minute)
    const from = Math.max(0, minute - 1440)
    let quoteVolume = 0
    for (let i = from; i <= minute; i++) quoteVolume += path.volumeAt(i) * path.closeAt(i)
    const last = path.closeAt(minute)
    return {
      symbol,
      time: now,
      last,
      bid: last * 0.99995,
      ask: last * 1.00005,
      quoteVolume,
      percentage: (last / path.closeAt(from) - 1) * 100,
    }
  }

  return {
    id: "sim",
    has: {
      fetchFundingRate: true,
      fetchOpenInterest: true,
      fetchLongShortRatio: true,
      fetchLiquidations: true,
      watchOHLCV: false,
      watchOrderBook: false,
      watchTrades: false,
    },
    loadSymbols: async () => [...paths.keys()],

    fetchOHLCV: async (symbol, timeframe, since, limit = 500) => {
      const now = simNow()
      const path = pathOf(symbol, minuteAt(now))
      const step = TIMEFRAME_MS[timeframe]
      const untilMinute = minuteAt(now) + 1
      const lastBucket = Math.floor(now / step) * step
      const firstPossible = Math.ceil((origin + path.oldest * MINUTE) / step) * step
      let start = since === undefined ? lastBucket - (limit - 1) * step : Math.ceil(since / step) * step
      start = Math.max(start, firstPossible)
      const candles: Array<Candle> = []
      for (let time = start; time <= lastBucket && candles.length < limit; time += step) {
        const candle = path.aggregate(time, step, untilMinute)
        if (candle) candles.push(candle)
      }
      return candles
    },

    fetchOrderBook: async (symbol, limit = 50) => {
      const now = simNow()
      const minute = minuteAt(now)
      return orderBookAt(pathOf(symbol, minute), symbol, options.seed, minute, sequence++, now, Math.min(limit, 50))
    },

    fetchTrades: async (symbol, since, limit = 1000) => {
      const minute = minuteAt(simNow())
      const path = pathOf(symbol, minute)
      const fromMinute =
        since === undefined ? Math.max(0, minute - 10) : Math.max(0, Math.floor((since - origin) / MINUTE), minute - 60)
      const trades: Array<Trade> = []
      for (let i = fromMinute; i < minute; i++) {
        for (const trade of tradesOfMinute(path, symbol, options.seed, i)) {
          if (since === undefined || trade.time >= since) trades.push(trade)
        }
      }
      return trades.slice(-limit)
    },

    fetchTicker: async (symbol) => ticker(symbol),
    fetchTickers: async (symbols) => (symbols ?? [...paths.keys()]).map(ticker),

    fetchFundingRate: async (symbol) => {
      const now = simNow()
      const minute = minuteAt(now)
      return { symbol, time: now, rate: fundingRateAt(pathOf(symbol, minute), minute) }
    },
    fetchOpenInterest: async (symbol) => {
      const now = simNow()
      const minute = minuteAt(now)
      return {
        symbol,
        time: now,
        amount: openInterestAt(pathOf(symbol, minute), minute, marketOf(symbol).openInterest),
      }
    },
    fetchLongShortRatio: async (symbol) => {
      const now = simNow()
      const minute = minuteAt(now)
      return { time: now, ratio: longShortRatioAt(pathOf(symbol, minute), minute) }
    },
    fetchLiquidations: async (symbol, since) => {
      const minute = minuteAt(simNow())
      const path = pathOf(symbol, minute)
      const out = []
      for (let i = Math.max(1, minute - 60); i < minute; i++) {
        for (const liquidation of liquidationsOfMinute(path, i, marketOf(symbol).volatility)) {
          if (since === undefined || liquidation.time >= since) out.push(liquidation)
        }
      }
      return out
    },

    close: async () => {
      closed = true
      paths.clear()
    },
  }
}
