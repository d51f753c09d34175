/**
 * @module Spans that cost nothing when tracing is off.
 *
 * `Effect.withSpan` builds a span object on every call even when nothing exports it. Services
 * read `spanner` once, when their layer is built: with tracing on it is `Effect.withSpan`, with
 * it off it hands back the effect untouched — no allocation or branch per call on the hot path.
 */
import { Context, Effect } from "effect"

/** Whether spans are exported; `telemetryLayer` sets it when `otel.endpoint` is configured. */
export const TracingEnabled = Context.Reference<boolean>("virtuoso/telemetry/TracingEnabled", {
  defaultValue: () => false,
})

type SpanAttributes = Readonly<Record<string, string | number | boolean>>

/** Wraps an effect in a span named `name` (or leaves it alone when tracing is off). */
export type Span = (
  name: string,
  attributes?: SpanAttributes,
) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

const untraced: Span = () => (self) => self
const traced: Span = (name, attributes) => (self) =>
  Effect.withSpan(self, name, attributes === undefined ? undefined : { attributes })

/** The span wrapper for this process: read it once when a service is built. */
export const spanner: Effect.Effect<Span> = Effect.map(TracingEnabled, (enabled) => (enabled ? traced : untraced))
