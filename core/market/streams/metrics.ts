/**
 * @module Stream supervision metrics. Counters are Effect `Metric`s (labels: kind, timeframe,
 * reason/source — bounded sets); per-stream age and reconnect totals are scrape-time samples
 * from the supervisor's statuses (`streamSamples`), labelled by tracked symbol (a bounded set:
 * the static list plus the top-N).
 */
import { Metric } from "effect"
import type { Sample } from "../../metrics/index.ts"
import type { StreamStatus } from "./schema.ts"

type Labels = { readonly kind: string; readonly timeframe: string }

const streamMessagesTotal = Metric.counter("virtuoso_market_stream_messages_total", {
  description:
    "Market stream updates delivered, by stream kind, timeframe and source (stream = websocket, poll = REST fallback).",
  incremental: true,
})

export const streamReconnectsTotal = Metric.counter("virtuoso_market_stream_reconnects_total", {
  description: "Websocket reconnects and resubscribes, by stream kind, timeframe and reason (error reason or stale).",
  incremental: true,
})

const streamErrorsTotal = Metric.counter("virtuoso_market_stream_errors_total", {
  description:
    "Failed stream or poll calls, by stream kind, timeframe and reason (Network, RateLimited, BadResponse, ...).",
  incremental: true,
})

const streamFallbacksTotal = Metric.counter("virtuoso_market_stream_fallbacks_total", {
  description: "Switches from websocket streaming to REST polling, by stream kind and timeframe.",
  incremental: true,
})

export const countMessage = (labels: Labels, source: string) =>
  Metric.update(Metric.withAttributes(streamMessagesTotal, { ...labels, source }), 1)
export const countReconnect = (labels: Labels, reason: string) =>
  Metric.update(Metric.withAttributes(streamReconnectsTotal, { ...labels, reason }), 1)
export const countError = (labels: Labels, reason: string) =>
  Metric.update(Metric.withAttributes(streamErrorsTotal, { ...labels, reason }), 1)
export const countFallback = (labels: Labels) => Metric.update(Metric.withAttributes(streamFallbacksTotal, labels), 1)

/** Per-stream age (s since the last update; since start when none yet) and reconnect totals. */
export const streamSamples = (statuses: ReadonlyArray<StreamStatus>, now: number): ReadonlyArray<Sample> =>
  statuses.flatMap((s) => {
    const labels = { symbol: s.symbol, kind: s.kind, timeframe: s.timeframe ?? "", mode: s.mode }
    return [
      {
        name: "virtuoso_market_stream_age_seconds",
        type: "gauge" as const,
        help: "Seconds since the stream's last update (websocket or REST fallback).",
        value: Math.max(0, (now - (s.lastMessageAt ?? s.startedAt)) / 1000),
        labels,
      },
      {
        name: "virtuoso_market_symbol_stream_reconnects_total",
        type: "counter" as const,
        help: "Reconnects and resubscribes of this stream since it started.",
        value: s.reconnects,
        labels: { symbol: s.symbol, kind: s.kind, timeframe: s.timeframe ?? "" },
      },
    ]
  })
