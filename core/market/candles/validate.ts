/**
 * @module What makes a candle malformed. One rule set for every path a candle can take (REST
 * backfill, REST polls, websocket updates): a malformed candle is dropped and counted, never
 * repaired, because any guess would feed indicators a price the exchange never printed.
 */
import type { Candle } from "../../market-schema/index.ts"

/** Why `candle` is unusable as a `stepMs` candle, or undefined when it is sound. */
export const candleProblem = (c: Candle, stepMs: number): string | undefined => {
  if (![c.time, c.open, c.high, c.low, c.close, c.volume].every(Number.isFinite)) return "non-finite field"
  // Exchanges open candles on UTC multiples of the period (a 4h candle at 04:00, never 05:34).
  if (c.time % stepMs !== 0) return `open time ${new Date(c.time).toISOString()} not aligned to ${stepMs / 60_000} min`
  if (c.high < c.low) return "high below low"
  if (c.open < c.low || c.open > c.high) return "open outside [low, high]"
  if (c.close < c.low || c.close > c.high) return "close outside [low, high]"
  if (c.volume < 0) return "negative volume"
  return undefined
}

export const isSoundCandle = (c: Candle, stepMs: number): boolean => candleProblem(c, stepMs) === undefined
