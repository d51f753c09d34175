/** @module Replay: the live analysis → signal pipeline over recorded candles, and its evaluation. */
export { parseArgs, parseHorizons } from "./args.ts"
export { makeAggregator, rollupTimeframes } from "./aggregate.ts"
export { renderChart } from "./chart-svg.ts"

export { ReplayInputError } from "./errors.ts"
export { evaluateReplay, forwardReturns, SCORE_BUCKETS } from "./evaluate.ts"
export { replayCandles, replayFile, replayStore, type ReplayOutput, writeOutputs } from "./replay.ts"
export { formatReport } from "./report-text.ts"

export type * from "./schema.ts"
export {
  openRecording,
  readRecording,
  RECORDING_FORMAT,
} from "./recording-file.ts"
export { RecordingWriter } from "./recording-writer.ts"
export {
  replayRecording,
  replayRecordingFile,
} from "./recording.ts"

export { candlesFromCsv } from "./sources.ts"
