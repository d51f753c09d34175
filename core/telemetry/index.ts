export { type Span, type SpanAttributes, spanner, TracingEnabled } from "./spans.ts"
export { telemetryLayer } from "./telemetry.ts"
