/**
 * @module Which series a batch of market events leaves to score, and in what order their
 * roll-ups go out — so a batch can score all its series in one pass and still give exactly what
 * handling its events one at a time gives.
 *
 * A candle event that changes a scoreable series adds a step (the symbol and the timeframes to
 * score) instead of scoring at once. Scoring is deferred only while nothing it reads can change:
 * before an event touches a symbol with pending timeframes (another candle of a pending series, its
 * book, tape or derivatives) or the tracked set changes, the caller scores everything pending
 * first. Until then, each pending series' candles and its symbol's book, tape and market data are
 * what they were at its own event, so a score computed later is the score it would have had; the
 * roll-ups are then replayed step by step, in event order, with the same per-timeframe results in
 * place as one-at-a-time handling would have had.
 */
import type { Timeframe } from "../market-schema/index.ts"

/** One candle event's scoring: its symbol and the timeframes it scores. */
export interface ScoreStep {
  readonly symbol: string
  readonly frames: ReadonlyArray<Timeframe>
}

export interface ScorePlan {
  /** Steps in event order. */
  readonly steps: ReadonlyArray<ScoreStep>
  /** Every pending timeframe per symbol, each once (the series to score). */
  readonly series: ReadonlyMap<string, ReadonlyArray<Timeframe>>
}

export const makeScorePlanner = () => {
  let steps: Array<ScoreStep> = []
  let series = new Map<string, Array<Timeframe>>()
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
    /** Everything pending, and forgets it. */
    take: (): ScorePlan => {
      const plan = { steps, series }
      steps = []
      series = new Map()
      return plan
    },
  }
}
