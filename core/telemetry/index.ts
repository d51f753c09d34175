export { spanner, TracingEnabled } from "./spans.ts"
export { telemetryLayer } from "./telemetry.ts"
