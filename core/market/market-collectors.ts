/**
 * @module Scrape-time samples of MarketData's live parts: the supervised streams (per-stream
 * age, reconnects and messages; streams per mode; the stalest stream) and, beside them, the
 * TopSymbols handle's own samples. MarketData registers them with `Metrics.registerCollector`
 * when a Metrics service is present.
 *
 * Labels stay bounded: `symbol` is the tracked set (static + include + top-N), and a dropped
 * symbol's series disappear with its streams; `kind`, `timeframe` and `mode` are closed sets.
 * The per-symbol families are named `virtuoso_market_symbol_stream_*` so they never clash with
 * the registry's `virtuoso_market_stream_*_total` counters (kind/timeframe/source only).
 */
import { Effect } from "effect"
import type { Collector, Sample } from "../metrics/index.ts"
import type { StreamMode, StreamStatus, StreamsSummary } from "./streams/index.ts"

const MODES: ReadonlyArray<StreamMode> = ["starting", "streaming", "backoff", "polling"]

/** Streams by mode (polling = on the REST fallback) and the age of the stalest one. */
const streamSummarySamples = (summary: StreamsSummary): ReadonlyArray<Sample> => [
  ...MODES.map(
    (mode): Sample => ({
      name: "virtuoso_market_streams",
      type: "gauge",
      help: "Supervised market streams by mode (polling = REST fallback, backoff = reconnecting).",
      value: summary.byMode[mode],
      labels: { mode },
    }),
  ),
  {
    name: "virtuoso_market_stream_oldest_age_seconds",
    type: "gauge",
    help: "Seconds since the stalest stream's last update (0 with no streams).",
    value: summary.oldestAgeMs / 1000,
  },
]

/** Updates delivered per stream since it started (websocket messages plus REST fallback polls). */
const streamMessageSamples = (statuses: ReadonlyArray<StreamStatus>): ReadonlyArray<Sample> =>
  statuses.map((s) => ({
    name: "virtuoso_market_symbol_stream_messages_total",
    type: "counter",
    help: "Updates of this stream since it started (websocket messages and REST fallback polls).",
    value: s.messages + s.polls,
    labels: { symbol: s.symbol, kind: s.kind, timeframe: s.timeframe ?? "" },
  }))

export interface StreamsView {
  readonly samples: Collector
  readonly statuses: Effect.Effect<ReadonlyArray<StreamStatus>>
  readonly summary: Effect.Effect<StreamsSummary>
}

/** Everything the stream supervisor exposes, as one collector. */
export const streamsCollector = (streams: StreamsView): Collector =>
  Effect.gen(function* () {
    const perStream = yield* streams.samples
    const messages = streamMessageSamples(yield* streams.statuses)
    const summary = streamSummarySamples(yield* streams.summary)
    return [...perStream, ...messages, ...summary]
  })
