import { describe, expect, test } from "bun:test"
import { Effect, References } from "effect"
import { fileURLToPath } from "node:url"
import {
  detailOf,
  foldConfluence,
  rollUpTimeframes,
  weightedMeanWasm,
  type SymbolConfluence,
} from "../../../core/analysis/index.ts"
import { PluginHost, type BaseContext, type Timeframe } from "../../../core/plugins/index.ts"
import {
  loadCandles,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  ta,
  window,
} from "../../plugins/indicators/support.ts"

const ROOT = fileURLToPath(new URL("../../..", import.meta.url))
const FRAMES: ReadonlyArray<readonly [Timeframe, number]> = [
  ["1m", 1000],
  ["5m", 300],
  ["30m", 200],
  ["4h", 120],
]

/** One symbol's contexts over the real BTC candles, sharing one book, tape and market object. */
const symbolContexts = (end: number, seed: number): Array<BaseContext> => {
  const src = loadCandles("btcusdt-1m")
  const orderbook = syntheticBook(src, end, { seed })
  const trades = syntheticTrades(src, end, { seed })
  const market = syntheticMarket(src, end, { seed })
  return FRAMES.map(([timeframe, n]) => ({
    symbol: "BTC/USDT",
    timeframe,
    candles: window(src, end, n),
    ta,
    orderbook,
    trades,
    market,
  }))
}

describe("the Analysis path (one host pass per symbol, one-call fold) against the per-series path", () => {
  test("every built-in plugin on real candles: the same confluence per timeframe and overall", async () => {
    const { perSymbol, perSeries, sharedCalls } = await Effect.runPromise(
      Effect.gen(function* () {
        const host = yield* PluginHost
        const perSymbol = []
        const perSeries = []
        for (const [end, seed] of [
          [1100, 1],
          [1300, 2],
          [1440, 3],
        ] as const) {
          const ctxs = symbolContexts(end, seed)
          const outcomes = yield* host.evaluateSymbol(ctxs)
          perSymbol.push(
            rollUpTimeframes(
              "BTC/USDT",
              outcomes.map((o, i) => foldConfluence(o, { timeframe: ctxs[i].timeframe, time: end })),
            ),
          )
          // How Analysis scored before: evaluate per series, fold through one kernel call per aggregation.
          const before = []
          for (const ctx of ctxs)
            before.push(
              foldConfluence(yield* host.evaluate(ctx), {
                timeframe: ctx.timeframe,
                time: end,
                mean: weightedMeanWasm,
              }),
            )
          perSeries.push(rollUpTimeframes("BTC/USDT", before, undefined, { mean: weightedMeanWasm }))
        }
        const calls = Object.fromEntries((yield* host.list).map((p) => [p.name, p.calls]))
        return { perSymbol, perSeries, sharedCalls: calls }
      }).pipe(
        Effect.provide(PluginHost.layer({ root: ROOT, folders: ["plugins/indicators"], watch: false, budgetMs: 250 })),
        Effect.provideService(References.MinimumLogLevel, "Error"),
      ),
    )
    // Results compare through `detailOf`: their raw outcome lists also carry each call's timing.
    const comparable = (c: SymbolConfluence) => ({
      ...c,
      results: Object.fromEntries(Object.entries(c.results).map(([tf, r]) => [tf, detailOf(r!)])),
    })
    expect(perSymbol.map(comparable)).toEqual(perSeries.map(comparable))
    for (const r of perSymbol) {
      expect(r.score).not.toBeNull()
      expect(r.missing).toEqual([])
      for (const tf of ["1m", "5m", "30m", "4h"] as const) expect(r.results[tf]!.score).not.toBeNull()
    }
    // 3 symbol passes: a book reader ran once per pass there (+4 per-series calls each), a candle reader 4 times.
    expect(sharedCalls["orderbook-imbalance"]).toBe(3 * (1 + 4))
    expect(sharedCalls["technical-rsi"]).toBe(3 * (4 + 4))
  })
})
