/**
 * @module Which series a batch of market events leaves to score, and in what order their
 * roll-ups go out — so a batch can score all its series in one pass and still give exactly what
 * handling its events one at a time gives.
 *
 * A candle event that changes a scoreable series adds a step (the symbol and the timeframes to
 * score) instead of scoring at once. Scoring is deferred only while nothing it reads can change:
 * before an event touches a symbol with pending timeframes (another candle of a pending series, its
 * book or tape) or the tracked set changes, the caller scores everything pending first. Market
 * data (ticker, derivatives) is replaced, never changed in place, so an event replacing a pending
 * symbol's market data does not score: the planner holds the market data the pending scores read
 * (`hold`), and a later candle of that symbol, which must read the new data, scores first. Until
 * then, each pending series' candles and its symbol's book, tape and market data are what they
 * were at its own event, so a score computed later is the score it would have had; the roll-ups
 * are then replayed step by step, in event order, with the same per-timeframe results in place as
 * one-at-a-time handling would have had.
 */
import type { Timeframe } from "../market-schema/index.ts"
import type { MarketContext } from "../plugins/sdk.ts"

/** One candle event's scoring: its symbol and the timeframes it scores. */
interface ScoreStep {
  readonly symbol: string
  readonly frames: ReadonlyArray<Timeframe>
}

export interface ScorePlan {
  /** Steps in event order. */
  readonly steps: ReadonlyArray<ScoreStep>
  /** Every pending timeframe per symbol, each once (the series to score). */
  readonly series: ReadonlyMap<string, ReadonlyArray<Timeframe>>
  /** The market data to score a symbol with, where it was replaced after its steps (see `hold`). */
  readonly markets: ReadonlyMap<string, MarketContext>
}

export const makeScorePlanner = () => {
  let steps: Array<ScoreStep> = []
  let series = new Map<string, Array<Timeframe>>()
  let markets = new Map<string, MarketContext>()
  return {
    /** True when scoring is pending for `symbol` (for `timeframe`, when given). */
    pending: (symbol: string, timeframe?: Timeframe): boolean => {
      const frames = series.get(symbol)
      return frames !== undefined && (timeframe === undefined || frames.includes(timeframe))
    },
    empty: (): boolean => steps.length === 0,
    add: (symbol: string, frames: ReadonlyArray<Timeframe>): void => {
      steps.push({ symbol, frames })
      const held = series.get(symbol)
      if (held === undefined) series.set(symbol, [...frames])
      else for (const f of frames) if (!held.includes(f)) held.push(f)
    },
    /**
     * Keeps `market`, the market data a pending symbol's scores read, before an event replaces it
     * (the first one held stays: it is what the symbol had at its steps).
     */
    hold: (symbol: string, market: MarketContext): void => {
      if (series.has(symbol) && !markets.has(symbol)) markets.set(symbol, market)
    },
    /** True when the pending scores of `symbol` read held market data (a newer candle must not wait). */
    holds: (symbol: string): boolean => markets.has(symbol),
    /** Everything pending, and forgets it. */
    take: (): ScorePlan => {
      const plan = { steps, series, markets }
      steps = []
      series = new Map()
      markets = new Map()
      return plan
    },
  }
}
