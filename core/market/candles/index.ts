/** @module Candle-series logic for live streams: close detection, gaps → backfill ranges, dedup, validation. */
export { CandleSeries, type GapRange } from "./candle-series.ts"
export { candleProblem } from "./validate.ts"
