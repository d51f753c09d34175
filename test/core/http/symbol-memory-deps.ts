/**
 * In-memory symbol-page deps for tests: a deterministic random walk of candles per timeframe,
 * one score point per candle, contributions for the latest candle, and signals on chosen candles.
 */
import type { HttpDeps } from "../../../core/http/deps.ts"
import type { CandleBar, Contributor, ScorePoint } from "../../../core/http/symbol/deps.ts"
import { TIMEFRAME_MS, type Timeframe } from "../../../core/market-schema/index.ts"
import { paginate } from "./memory-deps.ts"

export const SYMBOL_TIMEFRAMES: ReadonlyArray<Timeframe> = ["1m", "5m", "15m", "1h"]
const END = 1_700_006_400_000 // a whole number of hours

/** Park–Miller: the same walk on every run. */
const random = (seed: number) => () => (seed = (seed * 48271) % 2147483647) / 2147483647

export const walk = (timeframe: Timeframe, count: number): Array<CandleBar> => {
  const step = TIMEFRAME_MS[timeframe]
  const next = random(7 + step / 1000)
  let close = 30_000
  return Array.from({ length: count }, (_, i) => {
    const open = close
    close = open * (1 + (next() - 0.5) * 0.01)
    const high = Math.max(open, close) * (1 + next() * 0.002)
    const low = Math.min(open, close) * (1 - next() * 0.002)
    return { time: END - (count - i) * step, open, high, low, close, volume: 10 + next() * 5 }
  })
}

export const scoresOf = (bars: ReadonlyArray<CandleBar>): Array<ScorePoint> =>
  bars.map((bar, i) => {
    const score = 50 + 30 * Math.sin(i / 25)
    return {
      time: bar.time,
      score,
      components: {
        technical: score + 5,
        volume: 55,
        orderflow: null,
        orderbook: 48,
        sentiment: 50,
        price_structure: score - 5,
      },
    }
  })

export interface SymbolFixture {
  readonly deps: Pick<HttpDeps, "candles" | "scores" | "signals">
  readonly bars: ReadonlyMap<Timeframe, ReadonlyArray<CandleBar>>
  readonly signals: ReadonlyArray<{
    id: string
    symbol: string
    type: string
    direction: string
    timeframe: string
    time: number
    score: number
  }>
}

/** `BTC/USDT` tracked on four timeframes with `count` candles each and `signalCount` signals. */
export const symbolFixture = (count = 300, signalCount = 5): SymbolFixture => {
  const bars = new Map(SYMBOL_TIMEFRAMES.map((tf) => [tf, walk(tf, count)] as const))
  const base = bars.get("1m")!
  const signals = Array.from({ length: signalCount }, (_, i) => {
    const bar = base[Math.floor(((i + 1) * base.length) / (signalCount + 1))]!
    const type = i % 2 === 0 ? "long" : "short"
    return {
      id: `sig-${i}`,
      symbol: "BTC/USDT",
      type,
      direction: type,
      timeframe: "all",
      time: bar.time,
      score: type === "long" ? 75 : 30,
    }
  })
  const history = new Map(SYMBOL_TIMEFRAMES.map((tf) => [tf, scoresOf(bars.get(tf)!)] as const))
  return {
    bars,
    signals,
    deps: {
      candles: {
        timeframes: SYMBOL_TIMEFRAMES,
        read: async (symbol, tf, limit) => (symbol === "BTC/USDT" ? (bars.get(tf) ?? []).slice(-limit) : undefined),
      },
      scores: {
        thresholds: { longAt: 70, shortAt: 35 },
        history: async (symbol, tf, limit) =>
          symbol === "BTC/USDT" ? (history.get(tf === "all" ? "1m" : tf) ?? []).slice(-limit) : [],
        contributors: async (symbol, tf) => {
          if (symbol !== "BTC/USDT") return undefined
          const last = history.get(tf)!.at(-1)!
          const items: Array<Contributor> = [
            {
              name: "rsi-14",
              component: "technical",
              status: "ok",
              score: 71,
              weight: 0.2,
              contribution: 4.2,
              values: { rsi: 71.3 },
            },
            {
              name: "obv",
              component: "volume",
              status: "ok",
              score: 40,
              weight: 0.1,
              contribution: -1,
              values: { obv: 1234.5 },
            },
          ]
          return {
            time: last.time,
            score: last.score,
            items,
          }
        },
      },
      signals: {
        query: async (q) =>
          paginate(
            signals.filter((s) => q.symbol === undefined || s.symbol === q.symbol),
            q.limit,
            q.cursor,
          ),
      },
    },
  }
}
