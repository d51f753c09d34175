/** @module Data shapes of a replay: its options, the per-candle trace, evaluated signals and the report. */
import type { Candle, Timeframe } from "../market-schema/index.ts"
import type { Component } from "../plugins/index.ts"
import type { Signal } from "../signals/index.ts"

export interface ReplayOptions {
  readonly symbol: string
  /** The base timeframe: the candles' own; horizons count its candles. */
  readonly timeframe: Timeframe
  /** Higher timeframes built from the base candles and rolled up with it, as live (`--rollup`); may be empty. */
  readonly rollup: ReadonlyArray<Timeframe>
  /** Forward-return horizons in candles, ascending. */
  readonly horizons: ReadonlyArray<number>
  /** Where the input came from (a file path or `store:<db>`), echoed in the report. */
  readonly source: string
}

/** What one plugin did over the whole replay. */
export interface PluginUsage {
  readonly name: string
  readonly component: Component
  readonly ok: number
  readonly unavailable: number
  readonly failed: number
  readonly quarantined: number
  /** The most frequent reason it gave no score (e.g. "no orderbook data"), if any. */
  readonly reason: string | null
}

/** One replayed timeframe: candles it closed and how many of its folds had a score. */
interface TimeframeUsage {
  readonly timeframe: Timeframe
  readonly candles: number
  readonly scored: number
}

/** One candle of the replay after the pipeline saw it: for the chart and the baseline. */
export interface TracePoint {
  readonly time: number
  readonly close: number
  readonly score: number | null
}

export interface ReplayRun {
  readonly options: ReplayOptions
  readonly candles: ReadonlyArray<Candle>
  readonly trace: ReadonlyArray<TracePoint>
  /** Signals in emission order, with the candle index they were emitted on. */
  readonly signals: ReadonlyArray<{ readonly index: number; readonly signal: Signal }>
  readonly plugins: ReadonlyArray<PluginUsage>
  readonly timeframes: ReadonlyArray<TimeframeUsage>
  /** Missing candles between consecutive inputs (time step larger than the timeframe). */
  readonly gaps: number
}

/** Forward move after `horizon` candles; null when the data ends first. */
export interface ForwardReturn {
  readonly horizon: number
  readonly exitTime: number | null
  readonly exitPrice: number | null
  /** (exit / entry − 1) · 100. */
  readonly returnPct: number | null
  /** `returnPct` signed for the direction (short: negated), so > 0 means the signal was right. */
  readonly signedPct: number | null
}

export interface EvaluatedSignal {
  readonly index: number
  readonly signal: Signal
  readonly forward: ReadonlyArray<ForwardReturn>
}

/** Hit rate and mean signed return at one horizon over a group of signals. */
export interface HorizonStats {
  readonly horizon: number
  /** Signals with data this far ahead. */
  readonly n: number
  readonly hits: number
  readonly hitRate: number | null
  readonly meanPct: number | null
}

export interface GroupStats {
  readonly label: string
  readonly signals: number
  readonly horizons: ReadonlyArray<HorizonStats>
}

export interface ReplayReport {
  readonly symbol: string
  readonly timeframe: Timeframe
  /** Higher timeframes built from the base candles and rolled up with it (empty: base alone). */
  readonly rollup: ReadonlyArray<Timeframe>
  readonly source: string
  readonly candles: number
  readonly from: number | null
  readonly to: number | null
  readonly gaps: number
  /** Candles on which the pipeline produced a score. */
  readonly scored: number
  readonly thresholds: Signal["thresholds"] & { readonly stopAtr: number; readonly targets: ReadonlyArray<number> }
  readonly horizons: ReadonlyArray<number>
  /** Data the input does not carry, so plugins needing it reported unavailable. */
  readonly unavailableData: ReadonlyArray<string>
  readonly plugins: ReadonlyArray<PluginUsage>
  readonly timeframes: ReadonlyArray<TimeframeUsage>
  /** Components with at least one scoring plugin, and those that never had one (their weight went to the others). */
  readonly components: { readonly scored: ReadonlyArray<Component>; readonly unavailable: ReadonlyArray<Component> }
  /** How this replay differs from the live engine, in words. */
  readonly notes: ReadonlyArray<string>
  readonly byDirection: ReadonlyArray<GroupStats>
  readonly byBucket: ReadonlyArray<GroupStats>
  /** Every candle with data ahead, unconditionally long: what the signals must beat. */
  readonly baseline: ReadonlyArray<HorizonStats>
  readonly signals: ReadonlyArray<EvaluatedSignal>
}
