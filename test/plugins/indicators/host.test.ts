/**
 * The built-ins through the real plugin host: loaded from plugins/indicators by the loader,
 * validated, evaluated isolated; with full data every one scores, and with candles only the
 * exchange-data plugins come back "unavailable", each with a reason.
 */
import { describe, expect, test } from "bun:test"
import { Effect, References } from "effect"
import { join } from "node:path"
import { PluginHost, type PluginHostOptions } from "../../../core/plugins/index.ts"
import { loadCandles, syntheticBook, syntheticMarket, syntheticTrades, ta, window } from "./support.ts"

const ROOT = join(import.meta.dir, "../../..")
const runHost = <A, E>(program: Effect.Effect<A, E, PluginHost>, options: PluginHostOptions = {}) =>
  Effect.runPromise(
    program.pipe(
      Effect.provide(PluginHost.layer({ root: ROOT, folders: ["plugins/indicators"], watch: false, ...options })),
      Effect.provideService(References.MinimumLogLevel, "Error"),
    ),
  )

const c = loadCandles("btcusdt-1m")
const end = 900
const base = { symbol: "BTC/USDT", timeframe: "1m" as const, candles: window(c, end, 300), ta }

describe("built-ins in the PluginHost", () => {
  test("all 41 load with no failed file and the host reports healthy", async () => {
    const [indicators, list, health] = await runHost(
      Effect.gen(function* () {
        const host = yield* PluginHost
        return [yield* host.indicators, yield* host.list, yield* host.health] as const
      }),
    )
    expect(indicators.length).toBe(41)
    expect(list.filter((p) => "error" in p && p.error !== undefined && p.error !== null)).toEqual([])
    expect(health.status).toBe("ok")
    // GET /v1/plugins shows each indicator's scope: the 16 per-symbol readers, the rest per timeframe.
    const scopes = list.filter((p) => p.kind === "indicator").map((p) => p.scope)
    expect(scopes.filter((x) => x === "symbol").length).toBe(16)
    expect(scopes.filter((x) => x === "timeframe").length).toBe(25)
    expect(list.find((p) => p.name === "sentiment-funding")?.scope).toBe("symbol")
    expect(list.find((p) => p.name === "sentiment-risk")?.scope).toBe("timeframe")
  })

  test("full data: every plugin scores", async () => {
    const ctx = {
      ...base,
      orderbook: syntheticBook(c, end),
      trades: syntheticTrades(c, end),
      market: syntheticMarket(c, end),
    }
    // The budget is wall-clock time, and a loaded machine can preempt a first (cold) call for
    // tens of ms: a generous budget keeps this about scoring. bench:confluence measures their speed.
    const outcomes = await runHost(
      Effect.flatMap(PluginHost, (h) => h.evaluate(ctx)),
      { budgetMs: 1000 },
    )
    expect(outcomes.length).toBe(41)
    for (const o of outcomes) expect([o.name, o.status, o.error]).toEqual([o.name, "ok", undefined])
  })

  test("candles only: candle plugins score, exchange-data plugins are unavailable with a reason", async () => {
    // A generous budget for the same reason as above: this test is about availability, not speed.
    const outcomes = await runHost(
      Effect.flatMap(PluginHost, (h) => h.evaluate({ ...base, market: {} })),
      { budgetMs: 1000 },
    )
    const unavailable = outcomes
      .filter((o) => o.status === "unavailable")
      .map((o) => o.name)
      .sort()
    expect(unavailable).toEqual(
      [
        ...["absorption", "depth", "depth-imbalance", "imbalance", "liquidity", "oir", "pressure", "spoofing"].map(
          (n) => `orderbook-${n}`,
        ),
        ...["cvd", "imbalance", "liquidity", "oi-price", "pressure", "smart-money", "trade-flow"].map(
          (n) => `orderflow-${n}`,
        ),
        ...["activity", "funding", "liquidations", "long-short", "risk"].map((n) => `sentiment-${n}`),
      ].sort(),
    )
    for (const o of outcomes) {
      if (o.status === "unavailable") expect(o.reason, o.name).toMatch(/^no \w+ data$/)
      else expect(o.status, o.name).toBe("ok")
    }
  })
})
