/** @module The signal a user acts on: everything needed to judge it, in one event payload. */
import type { Component, Timeframe } from "../plugins/sdk.ts"
import type { SignalRules, SignalSide } from "./rules.ts"

export interface TopIndicator {
  readonly name: string
  readonly component: Component
  readonly score: number
  /** Points it moved the overall score away from 50 (signed). */
  readonly contribution: number
}

export interface TradePlan {
  readonly entry: number
  /** Entry ∓ stopAtr × ATR(14); null when ATR is not available yet. */
  readonly stop: number | null
  /** Entry ± k × risk for each configured multiple. */
  readonly targets: ReadonlyArray<number>
  readonly atr: number | null
  readonly riskReward: ReadonlyArray<number>
}

export interface Signal {
  /** Deterministic: the same crossing on the same candle always has the same id (dedup). */
  readonly id: string
  readonly symbol: string
  readonly type: SignalSide
  /** Same as `type`, in the words of the event catalogue. */
  readonly direction: SignalSide
  /** "all" = the multi-timeframe roll-up. */
  readonly timeframe: Timeframe | "all"
  readonly time: number
  readonly score: number
  readonly consensus: number | null
  readonly confidence: number | null
  readonly agreement: number
  readonly components: Readonly<Partial<Record<Component, number | null>>>
  readonly topIndicators: ReadonlyArray<TopIndicator>
  readonly price: number
  readonly thresholds: SignalRules
  readonly interpretation: string
  readonly trade: TradePlan
}
