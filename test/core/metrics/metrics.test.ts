import { describe, expect, test } from "bun:test"
import { Effect, type Scope } from "effect"
import {
  formatSamples,
  Metrics,
  recordConfluenceComputed,
  recordPublish,
  recordHttpRequest,
  type Sample,
  sampleProblem,
} from "../../../core/metrics/index.ts"
import { eventually } from "../../support/eventually.ts"
import { promtoolCheck, requirePromtool } from "./promtool.ts"

const run = <A>(effect: Effect.Effect<A, never, Metrics | Scope.Scope>, options = {}) =>
  Effect.runPromise(Effect.scoped(Effect.provide(effect, Metrics.layerIsolated({ lagProbeEvery: false, ...options }))))

/** Parses `name{labels} value` lines into a map for assertions. */
const samplesOf = (text: string): Map<string, number> => {
  const map = new Map<string, number>()
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue
    const at = line.lastIndexOf(" ")
    map.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return map
}

const populate = Effect.gen(function* () {
  const metrics = yield* Metrics
  yield* recordPublish("normal", 0.0002)
  yield* recordPublish("normal", 0.0002)
  yield* recordPublish("high", 0.001)
  yield* recordConfluenceComputed("1m", 0.0031)
  yield* recordHttpRequest("/v1/confluence/:symbol", "GET", 404, 0.0004)
  yield* metrics.registerCollector(
    "bus",
    Effect.succeed<ReadonlyArray<Sample>>([
      {
        name: "virtuoso_bus_queue_depth",
        type: "gauge",
        help: "Queued events by lane.",
        value: 3,
        labels: { lane: "high" },
      },
      {
        name: "virtuoso_bus_events_dropped_total",
        type: "counter",
        help: 'Dropped "events"\nby lane.',
        value: 2,
        labels: { lane: "low" },
      },
      {
        name: "virtuoso_resilience_circuit_state",
        type: "gauge",
        help: "0 closed, 1 half-open, 2 open.",
        value: 2,
        labels: { breaker: 'exchange "sim"\\' },
      },
    ]),
  )
  return metrics
})

describe("Metrics", () => {
  test("renders registry metrics, collectors and process metrics", async () => {
    const text = await run(
      Effect.gen(function* () {
        const metrics = yield* populate
        return yield* metrics.render
      }),
      { lagProbeEvery: "5 millis" },
    )
    const samples = samplesOf(text)
    expect(samples.get('virtuoso_bus_publish_seconds_count{lane="normal"}')).toBe(2)
    expect(samples.get('virtuoso_bus_publish_seconds_bucket{lane="high",le="0.001"}')).toBe(1)
    expect(samples.get('virtuoso_confluence_computations_total{timeframe="1m"}')).toBe(1)
    expect(samples.get('virtuoso_confluence_compute_seconds_bucket{timeframe="1m",le="0.005"}')).toBe(1)
    expect(samples.get('virtuoso_confluence_compute_seconds_bucket{timeframe="1m",le="0.0025"}')).toBe(0)
    expect(samples.get('virtuoso_http_requests_total{route="/v1/confluence/:symbol",method="GET",status="4xx"}')).toBe(
      1,
    )
    expect(samples.get('virtuoso_bus_queue_depth{lane="high"}')).toBe(3)
    expect(samples.get('virtuoso_resilience_circuit_state{breaker="exchange \\"sim\\"\\\\"}')).toBe(2)
    expect(samples.get("virtuoso_process_resident_memory_bytes")).toBeGreaterThan(1_000_000)
    expect(samples.get("virtuoso_process_cpu_seconds_total")).toBeGreaterThan(0)
    expect(samples.get("virtuoso_process_uptime_seconds")).toBeGreaterThan(0)
    expect(text).toContain('# HELP virtuoso_bus_events_dropped_total Dropped "events"\\nby lane.')
    expect(text.endsWith("\n")).toBe(true)
  })

  test("promtool check metrics accepts the exposition", async () => {
    if (!requirePromtool()) return
    const text = await run(
      Effect.gen(function* () {
        const metrics = yield* populate
        return yield* metrics.render
      }),
    )
    const result = await promtoolCheck(text)
    expect(result.output).toBe("")
    expect(result.code).toBe(0)
  })

  test("promtool really rejects bad exposition (the check can fail)", async () => {
    if (!requirePromtool()) return
    const bad = "# TYPE virtuoso_things counter\nvirtuoso_things 1\n"
    const result = await promtoolCheck(bad)
    expect(result.output).toContain("_total")
  })

  test("a failing, slow or invalid collector is skipped and counted; others still render", async () => {
    const text = await run(
      Effect.gen(function* () {
        const metrics = yield* Metrics
        yield* metrics.registerCollector("boom", Effect.die(new Error("stats exploded")))
        yield* metrics.registerCollector("slow", Effect.never)
        yield* metrics.registerCollector(
          "bad",
          Effect.succeed([
            { name: "virtuoso_bad_gauge_total", type: "gauge", help: "x", value: 1 },
            { name: "virtuoso_ok_things", type: "gauge", help: "fine", value: 7 },
          ] satisfies ReadonlyArray<Sample>),
        )
        return yield* metrics.render
      }),
      { collectorTimeout: "50 millis" },
    )
    const samples = samplesOf(text)
    expect(samples.get("virtuoso_ok_things")).toBe(7)
    expect(samples.has("virtuoso_bad_gauge_total")).toBe(false)
    expect(samples.get('virtuoso_metrics_collector_errors_total{collector="boom"}')).toBe(1)
    expect(samples.get('virtuoso_metrics_collector_errors_total{collector="slow"}')).toBe(1)
    expect(samples.get('virtuoso_metrics_collector_errors_total{collector="bad"}')).toBe(1)
  })

  test("collectors leave with their scope; duplicate names are a defect", async () => {
    const text = await run(
      Effect.gen(function* () {
        const metrics = yield* Metrics
        yield* Effect.scoped(
          metrics.registerCollector(
            "temp",
            Effect.succeed([
              { name: "virtuoso_temp_value", type: "gauge", help: "t", value: 1 },
            ] satisfies ReadonlyArray<Sample>),
          ),
        )
        yield* metrics.registerCollector("dup", Effect.succeed([]))
        const exit = yield* Effect.exit(metrics.registerCollector("dup", Effect.succeed([])))
        expect(exit._tag).toBe("Failure")
        return yield* metrics.render
      }),
    )
    expect(text).not.toContain("virtuoso_temp_value")
  })

  test("event-loop lag probe reports a value", async () => {
    const text = await run(
      Effect.gen(function* () {
        const metrics = yield* Metrics
        return yield* Effect.promise(() =>
          eventually(
            "a lag sample",
            () => Effect.runPromise(metrics.render),
            (text) => text.includes("virtuoso_process_event_loop_lag_seconds "),
          ),
        )
      }),
      { lagProbeEvery: "5 millis" },
    )
    const lag = samplesOf(text).get("virtuoso_process_event_loop_lag_seconds")
    expect(lag).toBeGreaterThanOrEqual(0)
    expect(lag).toBeLessThan(1)
  })

  test("isolated layers do not share values", async () => {
    const a = await run(
      Effect.gen(function* () {
        yield* recordConfluenceComputed("5m", 0.001)
        return yield* (yield* Metrics).render
      }),
    )
    const b = await run(
      Effect.gen(function* () {
        return yield* (yield* Metrics).render
      }),
    )
    expect(a).toContain('timeframe="5m"')
    expect(b).not.toContain('timeframe="5m"')
  })
})

describe("exposition", () => {
  test("sampleProblem names each bad input", () => {
    expect(sampleProblem({ name: "9bad", type: "gauge", help: "", value: 1 })).toContain("invalid metric name")
    expect(sampleProblem({ name: "virtuoso_x", type: "counter", help: "", value: 1 })).toContain("_total")
    expect(sampleProblem({ name: "virtuoso_x_total", type: "counter", help: "", value: -1 })).toContain(">= 0")
    expect(sampleProblem({ name: "virtuoso_x", type: "gauge", help: "", value: 1, labels: { le: "1" } })).toContain(
      "label",
    )
    expect(sampleProblem({ name: "virtuoso_x_sum", type: "gauge", help: "", value: 1 })).toContain("reserved")
    expect(
      sampleProblem({ name: "virtuoso_x", type: "gauge", help: "", value: 1, labels: { ok: "v" } }),
    ).toBeUndefined()
  })

  test("formatSamples groups families and drops duplicate series", () => {
    const text = formatSamples([
      { name: "virtuoso_a", type: "gauge", help: "A", value: 1, labels: { k: "1" } },
      { name: "virtuoso_a", type: "gauge", help: "A", value: 2, labels: { k: "1" } },
      { name: "virtuoso_a", type: "gauge", help: "A", value: NaN, labels: { k: "2" } },
    ])
    expect(text).toBe('# HELP virtuoso_a A\n# TYPE virtuoso_a gauge\nvirtuoso_a{k="1"} 1\nvirtuoso_a{k="2"} NaN\n')
  })
})
