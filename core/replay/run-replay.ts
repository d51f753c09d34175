/**
 * @module Replay of a candle series: the candles become the `market.candle.closed` events
 * MarketData would have published (with `rollup`, the higher timeframes built from them close
 * as they would live), and the live layers score them (see drive.ts). The trace, signals and
 * plugin usage of the report are read from what Analysis and SignalEngine published.
 *
 * Candles are all such an input has: plugins that need an order book, trades or derivatives
 * data report unavailable, and their components drop out of the fold exactly as they do live
 * when such data is missing. A recording (`bun run record`) carries them.
 */
import { Effect } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import type { EventOf } from "../events/index.ts"
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../market-schema/index.ts"
import type { WasmLoadError } from "../wasm/index.ts"
import { makeAggregator } from "./aggregate.ts"
import { driveEvents } from "./drive.ts"
import { makeSymbolTally, runOfSymbol } from "./run-of-symbol.ts"
import type { ReplayOptions, ReplayRun } from "./schema.ts"

export { REPLAY_BUDGET_MS } from "./drive.ts"

/** The replay config: the replayed timeframes only, base first, with their configured weights and depths. */
const replayConfig = (config: VirtuosoConfig, frames: ReadonlyArray<Timeframe>): VirtuosoConfig => ({
  ...config,
  // The base gets weight 1 and 1000 candles if the config does not track it.
  timeframes: Object.fromEntries(frames.map((tf) => [tf, config.timeframes[tf] ?? { weight: 1, candles: 1000 }])),
})

/** The events MarketData would have published for these closed candles, in order. */
function* candleEvents(
  symbol: string,
  base: Timeframe,
  rollup: ReadonlyArray<Timeframe>,
  candles: ReadonlyArray<Candle>,
) {
  const step = TIMEFRAME_MS[base]
  const aggregators = rollup.map((tf) => ({ tf, aggregator: makeAggregator(base, tf) }))
  let n = 0
  for (const candle of candles) {
    const time = candle.time + step
    const event = (timeframe: Timeframe, c: Candle): EventOf<"market.candle.closed"> => ({
      id: `replay-${++n}`,
      type: "market.candle.closed",
      version: 1,
      time,
      source: "replay",
      payload: { symbol, timeframe, candle: c },
    })
    yield event(base, candle)
    for (const { tf, aggregator } of aggregators) for (const closed of aggregator.push(candle)) yield event(tf, closed)
  }
}

/**
 * Replays `candles` (closed, oldest first, one symbol and timeframe) through the live layers,
 * with `options.rollup` timeframes built from them and rolled up as live.
 */
export const runReplay = (
  config: VirtuosoConfig,
  candles: ReadonlyArray<Candle>,
  options: ReplayOptions,
): Effect.Effect<ReplayRun, WasmLoadError> => {
  const frames = [options.timeframe, ...options.rollup]
  const events = [...candleEvents(options.symbol, options.timeframe, options.rollup, candles)]
  const counts = new Map<Timeframe, number>()
  for (const e of events) counts.set(e.payload.timeframe, (counts.get(e.payload.timeframe) ?? 0) + 1)
  return Effect.suspend(() => {
    const tally = makeSymbolTally(options)
    return Effect.map(driveEvents(replayConfig(config, frames), events, tally.add), (result) =>
      runOfSymbol(tally, result, { options, candles, frames, counts }),
    )
  })
}
