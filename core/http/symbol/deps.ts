/**
 * @module What the symbol page's API routes need: candles from the market, a bounded history of
 * confluence scores, and the latest per-indicator contributions. Plain async functions, like the
 * rest of `HttpDeps`; each group is optional and its routes answer "not enabled" without it.
 */
import type { Timeframe } from "../../market-schema/index.ts"

/** One closed candle; `time` is its open time in ms since epoch. */
export interface CandleBar {
  readonly time: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/** A confluence score at one moment (the candle time it describes). */
export interface ScorePoint {
  readonly time: number
  readonly score: number | null
  readonly components: Readonly<Record<string, number | null>>
}

/** One indicator's share of a timeframe's latest score. */
export interface Contributor {
  readonly name: string
  readonly component: string
  readonly status: string
  readonly score: number | null
  /** Effective weight in the final score (component share × share within the component). */
  readonly weight: number
  /** Points it moved the score away from 50 (signed); null when it gave no score. */
  readonly contribution: number | null
  readonly values: Readonly<Record<string, number>>
}

interface ContributorsAnswer {
  readonly time: number
  readonly score: number | null
  readonly items: ReadonlyArray<Contributor>
}

export interface SignalThresholds {
  readonly longAt: number
  readonly shortAt: number
}

export interface SymbolDeps {
  readonly candles?: {
    /** The timeframes the engine tracks, in configured order. */
    readonly timeframes: ReadonlyArray<Timeframe>
    /** The newest `limit` closed candles, oldest first; `undefined` when the symbol is not tracked. */
    readonly read: (
      symbol: string,
      timeframe: Timeframe,
      limit: number,
    ) => Promise<ReadonlyArray<CandleBar> | undefined>
  }
  readonly scores?: {
    readonly thresholds: SignalThresholds
    /** The newest `limit` points, oldest first (empty for a symbol never scored). */
    readonly history: (
      symbol: string,
      timeframe: Timeframe | "all",
      limit: number,
    ) => Promise<ReadonlyArray<ScorePoint>>
    /** Contributions behind the latest score of one timeframe; `undefined` before the first score. */
    readonly contributors: (symbol: string, timeframe: Timeframe) => Promise<ContributorsAnswer | undefined>
  }
}
