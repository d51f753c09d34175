/** @module Shapes of a confluence result: per plugin → per component → per timeframe → per symbol. */
import type { Component, Timeframe } from "../../plugins/index.ts"

type Direction = "bullish" | "bearish" | "neutral"

/** What the fold needs from one plugin outcome (a PluginHost `IndicatorOutcome` fits). */
export interface PluginScore {
  readonly name: string
  readonly component: Component
  readonly weight: number
  readonly status: "ok" | "unavailable" | "failed" | "quarantined"
  readonly score: number | null
  readonly values: Readonly<Record<string, number>>
  readonly error?: string
  readonly reason?: string
}

export interface PluginContribution {
  readonly name: string
  readonly status: PluginScore["status"]
  readonly score: number | null
  /** Share within its component, re-normalised over the component's working plugins (0 if not ok). */
  readonly weight: number
  /**
   * Points this plugin moves the final score away from neutral: effective weight × (score − 50).
   * The contributions of all plugins add up to `score − 50`. Null when the plugin gave no score.
   */
  readonly contribution: number | null
  readonly values: Readonly<Record<string, number>>
  readonly error?: string
  readonly reason?: string
}

export interface ComponentResult {
  /** Weighted mean of the component's ok plugins; null when none gave a score. */
  readonly score: number | null
  /** Share of the final score after re-normalising over available components (0 if unavailable). */
  readonly weight: number
  /** The configured weight before re-normalisation. */
  readonly configuredWeight: number
  /** Some of its plugins gave no score. */
  readonly partial: boolean
}

/** A component's result with its plugins' contributions (`detailOf`). */
export interface ComponentDetail extends ComponentResult {
  readonly plugins: ReadonlyArray<PluginContribution>
}

export interface ConfluenceResult {
  /** Weighted mean of the available components; null when no component has a score. */
  readonly score: number | null
  readonly direction: Direction | null
  /** exp(−2 · weighted variance of (s − 50) / 50 over components), in (0, 1]. */
  readonly consensus: number | null
  /** |weighted mean of (s − 50) / 50| × consensus, in [0, 1]. */
  readonly confidence: number | null
  readonly components: Readonly<Record<Component, ComponentResult>>
  readonly timeframe: Timeframe
  /** Epoch ms of the data the result describes (the last closed candle's time, or now). */
  readonly time: number
  /** A plugin gave no score, or a weighted component is unavailable. */
  readonly partial: boolean
  /** Plugins that gave no score (failed, quarantined or unavailable). */
  readonly missing: ReadonlyArray<string>
  /** Weighted components without a score (their weight went to the others). */
  readonly unavailable: ReadonlyArray<Component>
  /** The band around 50 the direction was read with. */
  readonly neutralBand: number
  /** The plugin outcomes folded (a copy), from which `detailOf` derives contributions on demand. */
  readonly outcomes: ReadonlyArray<PluginScore>
}

/**
 * A result with everything a reader of one series wants spelled out: each component's plugin
 * contributions and the interpretation line. Built on demand (API, signals), never on the cycle.
 */
export interface ConfluenceDetail extends Omit<ConfluenceResult, "components" | "neutralBand" | "outcomes"> {
  readonly components: Readonly<Record<Component, ComponentDetail>>
  /** e.g. "bullish 63: technical 71, orderflow 68; orderbook neutral; sentiment unavailable". */
  readonly interpretation: string
}

export interface TimeframeEntry {
  readonly score: number | null
  /** Share of the overall score after re-normalising over available timeframes. */
  readonly weight: number
  readonly configuredWeight: number
  readonly direction: Direction | null
  readonly partial: boolean
}

export interface SymbolConfluence {
  readonly symbol: string
  /** Weighted mean of the available timeframes' scores; null when none has one. */
  readonly score: number | null
  /** Each component's score rolled up over the timeframes where it had one. */
  readonly components: Readonly<Record<Component, number | null>>
  readonly direction: Direction | null
  /** Every available timeframe points the same way (null with fewer than two). */
  readonly agree: boolean | null
  readonly consensus: number | null
  readonly confidence: number | null
  readonly timeframes: Readonly<Partial<Record<Timeframe, TimeframeEntry>>>
  /** The full per-timeframe results behind the roll-up. */
  readonly results: Readonly<Partial<Record<Timeframe, ConfluenceResult>>>
  /** Weighted timeframes without a score. */
  readonly missing: ReadonlyArray<Timeframe>
  readonly partial: boolean
  readonly time: number
  readonly interpretation: string
}
