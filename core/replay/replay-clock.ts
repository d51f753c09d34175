/**
 * @module A Clock that reads the replay's data time instead of the wall clock.
 *
 * The PluginHost times quarantine and recovery with `Clock`; under replay that time must come
 * from the candles, or two runs of the same input could quarantine a plugin at different
 * candles. `sleep` returns at once: nothing in the replay pipeline waits on time, and a replay
 * runs as fast as it can.
 */
import { Effect, type Clock } from "effect"

export interface ReplayClock extends Clock.Clock {
  /** Moves data time to `ms` (epoch ms), e.g. the close of the candle just appended. */
  set(ms: number): void
}

export const makeReplayClock = (start: number): ReplayClock => {
  let now = start
  const nanos = () => BigInt(Math.round(now)) * 1_000_000n
  return {
    set: (ms) => {
      now = ms
    },
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanosUnsafe: nanos,
    currentTimeNanos: Effect.sync(nanos),
    monotonicTimeNanosUnsafe: nanos,
    monotonicTimeNanos: Effect.sync(nanos),
    sleep: () => Effect.void,
  }
}
