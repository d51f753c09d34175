/**
 * @module The metric catalogue: Effect `Metric` descriptors plus tiny recording helpers.
 *
 * Descriptors hold no state: values live in the `Metric.MetricRegistry` of the running context
 * (one registry per program), so any service may call these helpers without depending on the
 * `Metrics` service. Scores and other snapshot values are collected at scrape time instead
 * (`core/wiring/metric-samples.ts`), so they never go stale. Names follow `virtuoso_<area>_<what>_<unit>`; labels are
 * bounded sets
 * (event type, lane, timeframe, route) — never ids, prices or free text.
 */
import { Effect, Metric } from "effect"

/** Seconds; spans 50 µs .. 5 s, enough for WASM kernels up to slow HTTP handlers. */
const LATENCY_BOUNDARIES: ReadonlyArray<number> = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]

const eventPublishSeconds = Metric.histogram("virtuoso_bus_publish_seconds", {
  description: "Time to publish one event on the bus (enqueue and local fan-out), by lane.",
  boundaries: LATENCY_BOUNDARIES,
})

const confluenceComputationsTotal = Metric.counter("virtuoso_confluence_computations_total", {
  description: "Confluence scores computed, by timeframe.",
  incremental: true,
})

const confluenceComputeSeconds = Metric.histogram("virtuoso_confluence_compute_seconds", {
  description:
    "Time to compute one confluence score (indicators, components and aggregation), by timeframe; " +
    "one observation per batch and timeframe: the mean of the scores computed together.",
  boundaries: LATENCY_BOUNDARIES,
})

const httpRequestsTotal = Metric.counter("virtuoso_http_requests_total", {
  description: "HTTP requests answered, by route pattern, method and status class.",
  incremental: true,
})

const httpRequestSeconds = Metric.histogram("virtuoso_http_request_seconds", {
  description: "HTTP request handling time, by route pattern.",
  boundaries: LATENCY_BOUNDARIES,
})

export const collectorErrorsTotal = Metric.counter("virtuoso_metrics_collector_errors_total", {
  description: "Scrape-time collectors that failed, timed out or returned invalid samples, by collector.",
  incremental: true,
})

/**
 * Time one publish took. Event counts by type and lane come from the bus's own `stats` at
 * scrape time (`collectors.ts`), so only the latency is recorded here.
 */
export const recordPublish = (lane: string, seconds: number): Effect.Effect<void> =>
  Metric.update(Metric.withAttributes(eventPublishSeconds, { lane }), seconds)

/** Count one confluence computation and its duration in seconds. */
/** The two confluence metrics of one timeframe, labelled once (labelling builds a new metric key). */
const confluenceByTimeframe = new Map<
  string,
  readonly [typeof confluenceComputationsTotal, typeof confluenceComputeSeconds]
>()

/**
 * `count` scores of one timeframe computed together, `seconds` each on average: one counter step
 * and one histogram observation per batch and timeframe (a batch scores hundreds of series).
 */
export const recordConfluenceComputed = (timeframe: string, seconds: number, count = 1): Effect.Effect<void> =>
  Effect.suspend(() => {
    let pair = confluenceByTimeframe.get(timeframe)
    if (pair === undefined) {
      pair = [
        Metric.withAttributes(confluenceComputationsTotal, { timeframe }),
        Metric.withAttributes(confluenceComputeSeconds, { timeframe }),
      ]
      confluenceByTimeframe.set(timeframe, pair)
    }
    return Effect.andThen(Metric.update(pair[0], count), Metric.update(pair[1], seconds))
  })

/** HTTP status as a class ("2xx".."5xx") so the label stays bounded. */
const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`

/** Count one HTTP request; `route` must be the matched pattern (e.g. `/v1/confluence/:symbol`). */
export const recordHttpRequest = (
  route: string,
  method: string,
  status: number,
  seconds: number,
): Effect.Effect<void> =>
  Effect.gen(function* () {
    yield* Metric.update(Metric.withAttributes(httpRequestsTotal, { route, method, status: statusClass(status) }), 1)
    yield* Metric.update(Metric.withAttributes(httpRequestSeconds, { route }), seconds)
  })
