/**
 * @module Default component and timeframe weights (those of the original system) and the
 * band around 50 that counts as neutral.
 */
import type { Component, Timeframe } from "../../plugins/index.ts"

/** Normalised at use, so they need not sum to 1; a 0 weight disables a component. */
export const DEFAULT_COMPONENT_WEIGHTS: Readonly<Record<Component, number>> = {
  orderflow: 0.30,
  orderbook: 0.20,
  volume: 0.18,
  price_structure: 0.15,
  technical: 0.10,
  sentiment: 0.07,
}

export const DEFAULT_TIMEFRAME_WEIGHTS: Readonly<Partial<Record<Timeframe, number>>> = {
  "1m": 0.4,
  "5m": 0.3,
  "30m": 0.2,
  "4h": 0.1,
}

/** Scores within 50 ± this are neutral. */
export const DEFAULT_NEUTRAL_BAND = 5

export const directionOf = (score: number, band: number): "bullish" | "bearish" | "neutral" =>
  score >= 50 + band ? "bullish" : score <= 50 - band ? "bearish" : "neutral"
