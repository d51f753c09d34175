/**
 * @module Supervised market streams: one fiber per stream with reconnect backoff, a staleness
 * watchdog, REST polling fallback, unsubscribe on stop, and metrics.
 */
export { symbolStreams, type SymbolStreamsOptions } from "./adapter-streams.ts"
export { streamReconnectsTotal } from "./metrics.ts"
export type {
  StreamEvent,
  StreamMode,
  StreamSpec,
  StreamStatus,
  SupervisorOptions,
} from "./schema.ts"

export { startLiveMarket, type CandleSource } from "./live-market.ts"
export {
  DEFAULT_SUPERVISOR_OPTIONS,
  makeStreamSupervisor,
  StreamSupervisor,
  type StreamsSummary,
} from "./stream-supervisor.ts"
