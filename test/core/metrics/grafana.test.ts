import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import dashboard from "../../../core/metrics/grafana/virtuoso.json"
import {
  Metrics,
  recordConfluenceComputed,
  recordHttpRequest,
  recordPublish,
  type Sample,
} from "../../../core/metrics/index.ts"
import {
  breakerSamples,
  busSamples,
  confluenceSamples,
  marketSamples,
  pluginSamples,
  storeSamples,
} from "../../../core/wiring/index.ts"
import { eventually } from "../../support/eventually.ts"

/** Every family the engine can export: registry metrics once recorded, plus each collector's samples. */
const exportedFamilies = async (): Promise<Set<string>> => {
  const fixtures: ReadonlyArray<Sample> = [
    ...busSamples(
      {
        lanes: {
          critical: { depth: 0, dropped: 0 },
          high: { depth: 0, dropped: 0 },
          normal: { depth: 0, dropped: 0 },
          low: { depth: 0, dropped: 0 },
        },
        published: { "signal.emitted": 1 } as never,
        publishedTotal: 1,
        deduplicated: 0,
        deadLetters: 0,
        deadLettersEvicted: 0,
        subscribers: [
          {
            name: "s",
            pattern: "*",
            depth: 0,
            lanes: { critical: 0, high: 0, normal: 0, low: 0 },
            dropped: 0,
            superseded: 0,
            delivered: 0,
            failed: 0,
            inFlight: 0,
            circuit: "closed",
          },
        ],
        durable: true,
        draining: false,
      },
      () => "critical",
    ),
    ...breakerSamples([
      {
        name: "b",
        state: "closed",
        isolated: false,
        consecutiveFailures: 0,
        windowCalls: 0,
        windowFailures: 0,
        calls: 0,
        successes: 0,
        failures: 0,
        rejected: 0,
        transitions: 0,
        listenerErrors: 0,
        openedAt: undefined,
        nextProbeAt: undefined,
        lastReason: undefined,
      },
    ]),
    ...pluginSamples([
      {
        name: "p",
        kind: "indicator",
        version: null,
        file: "f",
        state: "active",
        calls: 0,
        errors: 0,
        lastError: null,
        lastErrorAt: null,
        retryAt: null,
        meanMicros: 0,
        p99Micros: 0,
      },
    ]),
    ...storeSamples({
      committed: 0,
      duplicates: 0,
      transactions: 0,
      commitSeconds: 0,
      pending: 0,
      ringSize: 0,
      warmDays: 0,
      archivedDays: 0,
    }),
    ...marketSamples({
      exchange: "sim",
      symbols: 1,
      polls: 0,
      errors: 0,
      candlesAppended: 0,
      duplicates: 0,
      malformed: 0,
      gapsBackfilled: 0,
      lastPollAgeMs: 0,
      lastErrorAgeMs: Infinity,
    }),
    ...confluenceSamples(
      [
        {
          symbol: "BTC/USDT",
          score: 50,
          components: {} as never,
          direction: null,
          agree: null,
          consensus: null,
          confidence: null,
          timeframes: {},
          results: {},
          missing: [],
          partial: false,
          time: 0,
          interpretation: "",
        },
      ],
      10,
    ),
    { name: "virtuoso_analysis_cycles_total", type: "counter", help: "", value: 0 },
    { name: "virtuoso_analysis_last_cycle_seconds", type: "gauge", help: "", value: 0 },
  ]
  const text = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const metrics = yield* Metrics
        yield* recordPublish("high", 0.001)
        yield* recordConfluenceComputed("1m", 0.001)
        yield* recordHttpRequest("/", "GET", 200, 0.001)
        yield* metrics.registerCollector("fixtures", Effect.succeed(fixtures))
        // The event-loop lag probe reports after its first real timer turn.
        yield* Effect.promise(() =>
          eventually(
            "a lag sample",
            () => Effect.runPromise(metrics.render),
            (text) => text.includes("virtuoso_process_event_loop_lag_seconds "),
          ),
        )
        yield* metrics.registerCollector("broken", Effect.die("boom")) // so the collector-error counter exists
        return yield* metrics.render
      }).pipe(Effect.provide(Metrics.layerIsolated({ lagProbeEvery: "1 millis" }))),
    ),
  )
  return new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`))
}

describe("Grafana dashboard", () => {
  test("queries only metrics the engine exports (histogram series via _bucket)", async () => {
    const families = await exportedFamilies()
    const names = new Map([...families].map((f) => f.split(" ") as [string, string]))
    const exprs = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr as string))
    expect(exprs.length).toBeGreaterThan(25)
    const unknown: Array<string> = []
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/virtuoso_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, "")
        const ok = names.has(name) || (base !== name && names.get(base) === "histogram")
        if (!ok) unknown.push(`${name} in ${expr}`)
      }
    }
    expect(unknown).toEqual([])
    // And the important families are on the dashboard at all.
    const all = exprs.join("\n")
    for (const required of [
      "virtuoso_confluence_score",
      "virtuoso_confluence_compute_seconds_bucket",
      "virtuoso_bus_events_published_total",
      "virtuoso_bus_queue_depth",
      "virtuoso_bus_events_dropped_total",
      "virtuoso_resilience_circuit_state",
      "virtuoso_plugin_errors_total",
      "virtuoso_plugin_compute_p99_seconds",
      "virtuoso_market_data_age_seconds",
      "virtuoso_process_resident_memory_bytes",
      "virtuoso_process_event_loop_lag_seconds",
    ]) {
      expect(all).toContain(required)
    }
  })

  test("is a well-formed dashboard: unique panel ids, grid inside 24 columns, uid and datasource variable", () => {
    const ids = dashboard.panels.map((p: any) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of dashboard.panels as Array<any>) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24)
    expect(dashboard.uid).toBe("virtuoso-engine")
    expect(dashboard.templating.list.map((v: any) => v.name)).toEqual(["datasource", "symbol"])
  })
})
