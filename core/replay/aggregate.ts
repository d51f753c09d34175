/**
 * @module Higher-timeframe candles built from the replayed base candles, for `--rollup`: the
 * live engine scores every configured timeframe and rolls them up, and a recording of the base
 * timeframe holds everything the higher ones are made of. Buckets align to the epoch (UTC), as
 * exchanges align them; a bucket is emitted when its last base candle arrives, or when a base
 * candle of a later bucket arrives (a gap ate the last one). A leading bucket the data enters
 * part-way through is dropped: its candle would not be the one the exchange reports.
 */
import type { VirtuosoConfig } from "../config/index.ts"
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../market-schema/index.ts"

export interface Aggregator {
  /** Feeds one closed base candle; returns the higher-timeframe candles it closes (0, 1 or 2). */
  push(candle: Candle): ReadonlyArray<Candle>
}

export const makeAggregator = (base: Timeframe, target: Timeframe): Aggregator => {
  const baseMs = TIMEFRAME_MS[base]
  const size = TIMEFRAME_MS[target]
  let acc: { time: number; open: number; high: number; low: number; close: number; volume: number } | undefined
  let whole = false
  return {
    push(c) {
      const out: Array<Candle> = []
      const bucket = Math.floor(c.time / size) * size
      if (acc !== undefined && acc.time !== bucket) {
        if (whole) out.push({ ...acc })
        acc = undefined
      }
      if (acc === undefined) {
        acc = { time: bucket, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume }
        whole = c.time === bucket
      } else {
        acc.high = Math.max(acc.high, c.high)
        acc.low = Math.min(acc.low, c.low)
        acc.close = c.close
        acc.volume += c.volume
      }
      if (c.time + baseMs === bucket + size) {
        if (whole) out.push({ ...acc })
        acc = undefined
      }
      return out
    },
  }
}

/**
 * The configured timeframes a `base` recording can build: longer than it and a whole multiple
 * of it. The rest (shorter, or not a multiple) cannot be built and are returned as `skipped`.
 */
export const rollupTimeframes = (
  config: VirtuosoConfig,
  base: Timeframe,
): { build: ReadonlyArray<Timeframe>; skipped: ReadonlyArray<Timeframe> } => {
  const build: Array<Timeframe> = []
  const skipped: Array<Timeframe> = []
  for (const tf of Object.keys(config.timeframes) as Array<Timeframe>) {
    if (tf === base) continue
    if (TIMEFRAME_MS[tf] > TIMEFRAME_MS[base] && TIMEFRAME_MS[tf] % TIMEFRAME_MS[base] === 0) build.push(tf)
    else skipped.push(tf)
  }
  build.sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b])
  return { build, skipped }
}
