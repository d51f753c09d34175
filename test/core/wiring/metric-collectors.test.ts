import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import type { SymbolConfluence } from "../../../core/analysis/index.ts"
import { EventBus, makeEvent } from "../../../core/events/index.ts"
import { formatSamples, Metrics, sampleProblem } from "../../../core/metrics/index.ts"
import { CircuitBreakers } from "../../../core/resilience/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import {
  BreakerCollectorLive,
  breakerSamples,
  BusCollectorLive,
  busSamples,
  confluenceSamples,
  pluginSamples,
  StoreCollectorLive,
} from "../../../core/wiring/index.ts"
import { promtoolCheck, requirePromtool } from "../metrics/promtool.ts"

const symbol = (name: string, score: number | null): SymbolConfluence => ({
  symbol: name,
  score,
  direction: "neutral",
  agree: null,
  consensus: null,
  confidence: null,
  timeframes: {},
  missing: [],
  partial: false,
  time: 0,
  interpretation: "",
  components: {
    technical: score,
    volume: null,
    orderflow: 40,
    orderbook: 60,
    sentiment: null,
    price_structure: 50,
  } as SymbolConfluence["components"],
  results: {
    "1m": {
      score,
      direction: null,
      consensus: null,
      confidence: null,
      timeframe: "1m",
      time: 0,
      partial: false,
      missing: [],
      unavailable: [],
      neutralBand: 5,
      outcomes: [],
      components: { technical: { score: 70, weight: 1, configuredWeight: 1, partial: false } } as never,
    },
  },
})

describe("collector samples", () => {
  test("confluence scores: overall and per timeframe, unavailable left out, symbols capped alphabetically", () => {
    const samples = confluenceSamples([symbol("SOL/USDT", 55), symbol("BTC/USDT", 61), symbol("ETH/USDT", null)], 2)
    const keys = samples.map((s) => `${s.name}${JSON.stringify(s.labels ?? {})}=${s.value}`)
    expect(keys).toContain('virtuoso_confluence_score{"symbol":"BTC/USDT","timeframe":"all","component":"total"}=61')
    expect(keys).toContain('virtuoso_confluence_score{"symbol":"BTC/USDT","timeframe":"1m","component":"technical"}=70')
    expect(keys.some((k) => k.includes("SOL/USDT"))).toBe(false) // over the cap of 2
    expect(keys.some((k) => k.includes('"component":"volume"'))).toBe(false) // null, not a made-up 50
    expect(keys.some((k) => k.includes("ETH/USDT") && k.includes('"component":"total"'))).toBe(false)
    expect(keys).toContain("virtuoso_confluence_symbols_over_cap{}=1")
  })

  test("bus subscriber names lose their #n suffix and are summed", () => {
    const sub = (name: string, depth: number) => ({
      name,
      pattern: "*",
      depth,
      lanes: { critical: 0, high: 0, normal: 0, low: 0 },
      dropped: 1,
      superseded: depth * 10,
      delivered: 0,
      failed: 0,
      inFlight: 0,
      circuit: "closed" as const,
    })
    const samples = busSamples(
      {
        lanes: {
          critical: { depth: 0, dropped: 0 },
          high: { depth: 2, dropped: 1 },
          normal: { depth: 0, dropped: 0 },
          low: { depth: 0, dropped: 0 },
        },
        published: { "signal.emitted": 3 } as never,
        publishedTotal: 3,
        deduplicated: 0,
        deadLetters: 1,
        deadLettersEvicted: 0,
        subscribers: [sub("stream:analysis.confluence#1", 2), sub("stream:analysis.confluence#2", 3)],
        durable: false,
        draining: false,
      },
      () => "critical",
    )
    const depth = samples.filter((s) => s.name === "virtuoso_bus_subscriber_queue_depth")
    expect(depth).toEqual([
      {
        name: "virtuoso_bus_subscriber_queue_depth",
        type: "gauge",
        help: expect.any(String),
        value: 5,
        labels: { subscriber: "stream:analysis.confluence" },
      },
    ])
    const superseded = samples.find((s) => s.name === "virtuoso_bus_subscriber_superseded_total")
    expect(superseded?.value).toBe(50)
    expect(samples.find((s) => s.name === "virtuoso_bus_events_published_total")?.labels).toEqual({
      type: "signal.emitted",
      lane: "critical",
    })
  })

  test("every sample builder produces valid, promtool-clean exposition", async () => {
    const all = [
      ...confluenceSamples([symbol("BTC/USDT", 61)], 50),
      ...breakerSamples([
        {
          name: "exchange:sim",
          state: "half-open",
          isolated: false,
          consecutiveFailures: 0,
          windowCalls: 0,
          windowFailures: 0,
          calls: 9,
          successes: 7,
          failures: 2,
          rejected: 1,
          transitions: 2,
          listenerErrors: 0,
          openedAt: undefined,
          nextProbeAt: undefined,
          lastReason: undefined,
        },
      ]),
      ...pluginSamples([
        {
          name: "rsi-14",
          kind: "indicator",
          version: null,
          file: "x",
          state: "quarantined",
          calls: 10,
          errors: 3,
          lastError: null,
          lastErrorAt: null,
          retryAt: null,
          meanMicros: 12,
          p99Micros: 40,
        },
      ]),
    ]
    for (const sample of all) expect(sampleProblem(sample)).toBeUndefined()
    if (!requirePromtool()) return
    const lint = await promtoolCheck(formatSamples(all))
    expect(lint.output).toBe("")
  })
})

describe("collector layers", () => {
  test("export the stats of the bus, breakers and store", async () => {
    const layer = Layer.mergeAll(BusCollectorLive, BreakerCollectorLive, StoreCollectorLive).pipe(
      Layer.provideMerge(
        Layer.mergeAll(
          Metrics.layerIsolated({ lagProbeEvery: false }),
          EventBus.layerTest,
          CircuitBreakers.layer,
          EventStore.layerTest,
        ),
      ),
    )
    const text = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const breakers = yield* CircuitBreakers
          yield* breakers.get("exchange:sim")
          yield* bus.publish(yield* makeEvent("system.started", {}, { source: "test" }))
          return yield* (yield* Metrics).render
        }).pipe(Effect.provide(layer)),
      ),
    )
    expect(text).toContain('virtuoso_bus_events_published_total{type="system.started",lane="low"} 1')
    expect(text).toContain('virtuoso_bus_queue_depth{lane="critical"} 0')
    expect(text).toContain('virtuoso_resilience_circuit_state{breaker="exchange:sim"} 0')
    expect(text).toContain("virtuoso_store_events_committed_total 0")
    if (requirePromtool()) expect((await promtoolCheck(text)).output).toBe("")
  })
})
