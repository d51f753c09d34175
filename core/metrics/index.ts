/** @module Metrics: the one registry and its Prometheus exposition. */
export * from "./catalog.ts"
export { formatSamples, type Sample, sampleProblem } from "./exposition.ts"
export { type Collector, Metrics } from "./metrics.ts"
