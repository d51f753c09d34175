/** @module Candle-series logic for live streams: close detection, gaps → backfill ranges, dedup. */
export { CandleSeries, type GapRange, type IngestResult } from "./candle-series.ts"
