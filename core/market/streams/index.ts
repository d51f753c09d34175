/**
 * @module Supervised market streams: one fiber per stream with reconnect backoff, a staleness
 * watchdog, REST polling fallback, unsubscribe on stop, and metrics.
 */
export { symbolStreams, type CandleStats, type SymbolStreamsOptions } from "./adapter-streams.ts"
export {
  streamErrorsTotal,
  streamFallbacksTotal,
  streamMessagesTotal,
  streamReconnectsTotal,
  streamSamples,
} from "./metrics.ts"
export {
  streamKey,
  type StreamEvent,
  type StreamKind,
  type StreamMode,
  type StreamSource,
  type StreamSpec,
  type StreamStatus,
  type SupervisorOptions,
} from "./schema.ts"
export { classifyExchangeError } from "./classify.ts"
export { fetchCandleHistory, startLiveMarket, type CandleSource, type LiveMarketConfig } from "./live-market.ts"
export {
  DEFAULT_SUPERVISOR_OPTIONS,
  makeStreamSupervisor,
  StreamSupervisor,
  type StreamsSummary,
} from "./stream-supervisor.ts"
