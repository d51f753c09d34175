/** @module Replay: the live analysis → signal pipeline over recorded candles, and its evaluation. */
export { DEFAULT_HORIZONS, parseArgs, parseHorizons, USAGE, type ReplayArgs } from "./args.ts"
export { makeAggregator, rollupTimeframes, type Aggregator } from "./aggregate.ts"
export { renderChart } from "./chart-svg.ts"
export { driveEvents, type ConfluencePoint, type DriveResult } from "./drive.ts"
export { driveRecording, type RecordingDriveResult } from "./drive-recording.ts"
export { ReplayInputError } from "./errors.ts"
export { evaluateReplay, forwardReturns, SCORE_BUCKETS, type Bucket } from "./evaluate.ts"
export {
  replayCandles,
  replayFile,
  replayStore,
  writeOutputs,
  type ReplayOutput,
  type ReplaySettings,
  type StoreReplaySettings,
} from "./replay.ts"
export { formatReport } from "./report-text.ts"
export { REPLAY_BUDGET_MS, runReplay } from "./run-replay.ts"
export type * from "./schema.ts"
export {
  openRecording,
  readRecording,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordingFile,
  type RecordingHeader,
} from "./recording-file.ts"
export { RecordingWriter } from "./recording-writer.ts"
export {
  replayRecording,
  replayRecordingFile,
  reportOf,
  type HitRate,
  type RecordingReport,
  type SymbolReplay,
} from "./recording.ts"
export { candleCollector, gapsOf, recordedEvents, type Gap } from "./recorded.ts"
export { candlesFromCsv, candlesFromStore, inferTimeframe, readCandleFile, resolveTimeframe } from "./sources.ts"
