import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { summaryOf, type ConfluenceResult, type SymbolConfluence } from "../../../core/analysis/index.ts"
import { AppConfig } from "../../../core/config/index.ts"
import { EventBus, makeEvent } from "../../../core/events/index.ts"
import { HealthRegistry, healthy } from "../../../core/health/index.ts"
import { HttpServer } from "../../../core/http/http-server.ts"
import { HttpServerLive } from "../../../core/http/http-server-live.ts"
import { snapshotsOf } from "../../../core/http/confluence-snapshots.ts"
import { Metrics } from "../../../core/metrics/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { promtoolCheck, requirePromtool } from "../metrics/promtool.ts"
import { open } from "./open-layer.ts"

const confluence = (symbol: string, score: number): SymbolConfluence => ({
  symbol,
  score,
  components: {
    technical: score,
    volume: 50,
    orderflow: null,
    orderbook: 55,
    sentiment: null,
    price_structure: 48,
  } as SymbolConfluence["components"],
  direction: score > 55 ? "bullish" : "neutral",
  agree: null,
  consensus: 0.9,
  confidence: 0.3,
  timeframes: {},
  results: {},
  missing: [],
  partial: false,
  time: 1_700_000_000_000,
  interpretation: `score ${score}`,
})

/** The live server over a real (in-memory SQLite) event store, with both services at hand. */
const openOverStore = async () => {
  const server = await open(
    HttpServerLive.over(Effect.all({ store: EventStore, config: AppConfig })).pipe(
      Layer.provideMerge(Layer.mergeAll(AppConfig.layerFrom({ http: { port: 0 } }), EventStore.layerTest)),
    ),
  )
  return {
    server,
    info: server.context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"],
    store: server.context.mapUnsafe.get(EventStore.key) as EventStore["Service"],
  }
}

describe("HttpServer.layer bridges real services", () => {
  const sources = Effect.all({ metrics: Metrics, bus: EventBus, health: HealthRegistry, config: AppConfig })
  const layer = HttpServerLive.over(sources).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        AppConfig.layerFrom({ http: { port: 0 } }),
        Metrics.layerIsolated({ lagProbeEvery: false }),
        EventBus.layerTest,
        HealthRegistry.layerWith({ requiredReadiness: [] }),
      ),
    ),
  )

  test("health, metrics (promtool-clean), DLQ and the SSE stream over the bus", async () => {
    const server = await open(layer)
    const get = <S>(key: { key: string }) => server.context.mapUnsafe.get(key.key) as S
    const info = get<HttpServer["Service"]>(HttpServer)
    const bus = get<EventBus["Service"]>(EventBus)
    const health = get<HealthRegistry["Service"]>(HealthRegistry)
    try {
      await Effect.runPromise(health.register("bus", Effect.succeed(healthy())))
      const report = await fetch(new URL("/health", info.url))
      expect(report.status).toBe(200)
      expect((await report.json()).components.bus.status).toBe("healthy")
      expect((await fetch(new URL("/health/ready", info.url))).status).toBe(200)
      expect((await fetch(new URL("/v1/dlq", info.url)).then((r) => r.json())).items).toEqual([])
      expect((await fetch(new URL("/v1/confluence", info.url))).status).toBe(404) // no Analysis in this layer

      const stream = await fetch(new URL("/v1/stream?events=confluence", info.url))
      const reader = stream.body!.getReader()
      let text = new TextDecoder().decode((await reader.read()).value)
      expect(text).toContain("event: ready")
      const event = await Effect.runPromise(
        makeEvent("analysis.confluence", summaryOf({ ...confluence("BTC/USDT", 63), score: 63 }), { source: "test" }),
      )
      await Effect.runPromise(bus.publish(event))
      while (!text.includes("event: confluence")) text += new TextDecoder().decode((await reader.read()).value)
      expect(text).toContain('"symbol":"BTC/USDT","timeframe":"all","score":63')
      await reader.cancel()

      const metrics = await fetch(new URL("/metrics", info.url)).then((r) => r.text())
      expect(metrics).toContain('virtuoso_http_requests_total{route="/health",method="GET",status="2xx"} 1')
      expect(metrics).toContain("virtuoso_process_resident_memory_bytes")
      if (requirePromtool()) {
        const lint = await promtoolCheck(metrics)
        expect(lint.output).toBe("")
        expect(lint.code).toBe(0)
      }
    } finally {
      await server.close()
    }
  })

  test("/v1/events pages through the real event store; a forged cursor is a 400", async () => {
    const { server, info, store } = await openOverStore()
    try {
      const events = await Effect.runPromise(
        Effect.forEach(
          Array.from({ length: 12 }, (_, i) => i),
          (i) =>
            makeEvent(
              "signal.emitted",
              { symbol: i % 2 === 0 ? "BTC/USDT" : "ETH/USDT", direction: "long", score: 70 + i },
              { source: "test" },
            ),
        ),
      )
      await Effect.runPromise(store.append(events))
      const seen: Array<string> = []
      let cursor: string | null = null
      let pages = 0
      do {
        const answer: any = await fetch(
          new URL(
            `/v1/events?type=signal.*&symbol=BTC-USDT&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            info.url,
          ),
        ).then((r) => r.json())
        seen.push(...answer.items.map((e: any) => e.id))
        expect(answer.items.every((e: any) => e.payload.symbol === "BTC/USDT")).toBe(true)
        cursor = answer.nextCursor
        pages += 1
      } while (cursor !== null && pages < 10)
      expect(new Set(seen).size).toBe(6)
      expect(pages).toBe(2)
      const forged = await fetch(new URL("/v1/events?cursor=not-a-real-cursor", info.url))
      expect(forged.status).toBe(400)
      expect((await forged.json()).error).toBe("bad_request")
    } finally {
      await server.close()
    }
  })

  test("/v1/signals reads signal.emitted from the store: newest first, filters, cursor", async () => {
    const { server, info, store } = await openOverStore()
    try {
      const events = await Effect.runPromise(
        Effect.forEach(
          Array.from({ length: 9 }, (_, i) => i),
          (i) =>
            makeEvent(
              "signal.emitted",
              {
                symbol: "SOL/USDT",
                timeframe: i % 3 === 0 ? "5m" : "1m",
                direction: i % 2 === 0 ? "long" : "short",
                score: 60 + i,
              },
              { source: "test" },
            ),
        ),
      )
      await Effect.runPromise(store.append(events))
      const get = (query: string) =>
        fetch(new URL(`/v1/signals${query}`, info.url)).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as any,
        }))
      const newest = await get("?limit=3")
      expect(newest.status).toBe(200)
      expect(newest.body.items.map((s: any) => s.score)).toEqual([68, 67, 66])
      const next = await get(`?limit=3&cursor=${encodeURIComponent(newest.body.nextCursor)}`)
      expect(next.body.items.map((s: any) => s.score)).toEqual([65, 64, 63])
      const longs = await get("?kind=long&timeframe=1m&limit=100")
      expect(longs.body.items.map((s: any) => s.score)).toEqual([68, 64, 62])
      expect((await get("?order=asc&limit=1")).body.items[0].score).toBe(60)
      expect((await get("?symbol=BTC-USDT")).body.items).toEqual([])
    } finally {
      await server.close()
    }
  })

  test('snapshotsOf: the roll-up as timeframe "all" plus one snapshot per timeframe with component scores', () => {
    const base = confluence("ETH/USDT", 44)
    const withResults: SymbolConfluence = {
      ...base,
      results: {
        "5m": {
          score: 47,
          direction: "neutral",
          consensus: 0.8,
          confidence: 0.1,
          timeframe: "5m",
          time: 5,
          partial: true,
          missing: ["vwap"],
          unavailable: ["sentiment"],
          neutralBand: 5,
          outcomes: [],
          components: {
            technical: { score: 52, weight: 0.5, configuredWeight: 1, partial: false },
            sentiment: { score: null, weight: 0, configuredWeight: 1, partial: true },
            ...Object.fromEntries(
              ["volume", "orderflow", "orderbook", "price_structure"].map((c) => [
                c,
                { score: null, weight: 0, configuredWeight: 0, partial: false },
              ]),
            ),
          } as ConfluenceResult["components"],
        },
      },
    }
    const [all, fiveMinutes, ...rest] = snapshotsOf(withResults)
    expect(rest).toEqual([])
    expect(all).toMatchObject({ symbol: "ETH/USDT", timeframe: "all", score: 44, components: base.components })
    expect(fiveMinutes).toMatchObject({
      symbol: "ETH/USDT",
      timeframe: "5m",
      score: 47,
      time: 5,
      components: { technical: 52, sentiment: null },
    })
  })
})
