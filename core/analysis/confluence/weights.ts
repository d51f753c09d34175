/**
 * @module The band around 50 that counts as neutral, and the default weights the fold uses
 * when none are configured (declared with the component and timeframe lists).
 */
export { DEFAULT_COMPONENT_WEIGHTS, DEFAULT_TIMEFRAME_WEIGHTS } from "../../market-schema/index.ts"

/** Scores within 50 ± this are neutral. */
export const DEFAULT_NEUTRAL_BAND = 5

export const directionOf = (score: number, band: number): "bullish" | "bearish" | "neutral" =>
  score >= 50 + band ? "bullish" : score <= 50 - band ? "bearish" : "neutral"
