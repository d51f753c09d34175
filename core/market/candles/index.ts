/** @module Candle-series logic for live streams: close detection, gaps → backfill ranges, dedup, validation. */
export { CandleSeries, type GapRange, type IngestResult } from "./candle-series.ts"
export { candleProblem, isSoundCandle } from "./validate.ts"
