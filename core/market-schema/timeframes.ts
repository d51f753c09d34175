/** @module The timeframes Virtuoso understands: the one table config, events, exchanges and analysis share. */

/** Every timeframe, shortest first. */
export const TIMEFRAMES = ["1m", "3m", "5m", "15m", "30m", "1h", "4h", "1d"] as const
export type Timeframe = (typeof TIMEFRAMES)[number]

/** Length of each timeframe in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
}

/**
 * The timeframes scored by default and their weight in the roll-up (re-normalised over the
 * timeframes that have a score): the short ones react first, the long ones confirm.
 */
export const DEFAULT_TIMEFRAME_WEIGHTS: Readonly<Partial<Record<Timeframe, number>>> = {
  "1m": 0.4,
  "5m": 0.3,
  "30m": 0.2,
  "4h": 0.1,
}
