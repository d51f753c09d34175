/**
 * bench:confluence — one analysis cycle: every built-in indicator for 200 symbols × 4 timeframes
 * (1m/5m/30m/4h with the default resident candle counts 1000/300/200/200), then the confluence
 * fold per (symbol, timeframe). Candle buffers are zero-copy views over the real fixtures at
 * per-symbol offsets; each symbol has one synthetic 25-level book, 400 trades and derivatives
 * data shared by its timeframes (as the host fetches them once per symbol).
 *
 * Reports medians of 7 interleaved timed runs (after 3 warm-ups of each) for:
 *   A. plugins only, core/ta (WASM-backed)       B. the same with the TS reference ta (ratio A/B)
 *   C. plugins + foldConfluence                   D. PluginHost.evaluate + fold (the host's hot loop)
 *   E. as A, but symbol-scoped plugins (`scopeOf`: lookback 0, needs ⊆ {orderbook, trades})
 *      run once per symbol instead of once per timeframe — their result is the same for every
 *      timeframe (test/plugins/indicators/catalogue.test.ts checks that)
 *   D0. D with the fold routed through one WASM call per aggregation (the old Analysis path)
 *   F. PluginHost.evaluateSymbol (one pass per symbol, symbol-scoped plugins once) + fold:
 *      the path the Analysis loop takes — the cycle target applies here
 *   G. F plus rollUpTimeframes per symbol (the whole numeric part of an Analysis cycle)
 * plus a per-component split of A and the score distributions of the replayed fixtures.
 */
import { Effect, References } from "effect"
import { join } from "node:path"
import { foldConfluence, rollUpTimeframes, weightedMeanWasm, type PluginScore } from "../../core/analysis/confluence/index.ts"
import { PluginHost } from "../../core/plugins/index.ts"
import { COMPONENTS, scopeOf, type CandleColumns, type Component, type IndicatorContext, type Timeframe } from "../../core/plugins/sdk.ts"
import * as reference from "../../core/ta/reference/index.ts"
import { formatDistributions, replay } from "../plugins/indicators/replay.ts"
import {
  type AnyPlugin, defaultParams, loadCandles, loadPlugins, syntheticBook, syntheticMarket, syntheticTrades, ta, taSource, window,
} from "../plugins/indicators/support.ts"

const SYMBOLS = 200
const TIMEFRAMES: ReadonlyArray<readonly [Timeframe, number]> = [["1m", 1000], ["5m", 300], ["30m", 200], ["4h", 200]]
const RUNS = 7
const WARMUP = 3

const plugins = await loadPlugins()
const series = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]

type Base = Omit<IndicatorContext, "params">
const bases: Array<Base> = []
for (let s = 0; s < SYMBOLS; s++) {
  const src = series[s % 2]
  const symEnd = Math.min(src.close.length, 1000 + ((s * 37) % (src.close.length - 1000)))
  const book = syntheticBook(src, symEnd, { seed: s })
  const trades = syntheticTrades(src, symEnd, { seed: s })
  const market = syntheticMarket(src, symEnd, { seed: s })
  for (const [tf, n] of TIMEFRAMES) {
    const candles: CandleColumns = window(src, symEnd, n)
    bases.push({ symbol: `SYM${s}/USDT`, timeframe: tf, candles, ta, orderbook: book, trades, market })
  }
}
const paramsOf = new Map(plugins.map((p) => [p.name, defaultParams(p)]))
// Contexts per (base, plugin) are built once: building them is the host's cost, measured in D.
const contexts = (taImpl: IndicatorContext["ta"]) =>
  bases.map((b) => plugins.map((p) => ({ ...b, ta: taImpl, params: paramsOf.get(p.name)! }) as IndicatorContext))
const ctxWasm = contexts(ta)
const ctxRef = contexts(reference as unknown as IndicatorContext["ta"])

const median = (xs: ReadonlyArray<number>) => {
  const v = [...xs].sort((a, b) => a - b)
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
}
/**
 * Warms every variant up first, then runs them interleaved (one of each per round), so a
 * neighbour's load or the JIT tiering up hits all variants alike; medians per variant.
 */
const timeAll = (variants: ReadonlyArray<() => void>): Array<number> => {
  for (let i = 0; i < WARMUP; i++) for (const f of variants) f()
  const xs = variants.map(() => [] as Array<number>)
  for (let r = 0; r < RUNS; r++) {
    variants.forEach((f, k) => {
      const t0 = performance.now()
      f()
      xs[k].push(performance.now() - t0)
    })
  }
  return xs.map(median)
}

let sink = 0
const runPlugins = (ctxs: ReadonlyArray<ReadonlyArray<IndicatorContext>>, only?: Component) => () => {
  for (const row of ctxs) {
    for (let j = 0; j < plugins.length; j++) {
      if (only !== undefined && plugins[j].component !== only) continue
      const r = plugins[j].compute(row[j] as IndicatorContext<Record<string, never>>)
      sink += r.score ?? 0
    }
  }
}
const runWithFold = () => {
  for (let i = 0; i < ctxWasm.length; i++) {
    const row = ctxWasm[i]
    const outcomes: Array<PluginScore> = plugins.map((p: AnyPlugin, j) => {
      const r = p.compute(row[j])
      return { name: p.name, component: p.component, weight: p.weight ?? 1, status: r.score === null ? "unavailable" : "ok", score: r.score, values: r.values ?? {} }
    })
    sink += foldConfluence(outcomes, { timeframe: bases[i].timeframe, time: 0 }).score ?? 0
  }
}

const perSymbol = plugins.map((p) => scopeOf(p) === "symbol")
const runDeduped = () => {
  for (let i = 0; i < ctxWasm.length; i++) {
    const row = ctxWasm[i]
    const first = i % TIMEFRAMES.length === 0
    for (let j = 0; j < plugins.length; j++) {
      if (perSymbol[j] && !first) continue
      sink += plugins[j].compute(row[j]).score ?? 0
    }
  }
}

const [a, e, b, c, ...parts] = timeAll([
  runPlugins(ctxWasm), runDeduped, runPlugins(ctxRef), runWithFold, ...COMPONENTS.map((comp) => runPlugins(ctxWasm, comp)),
])
const perComponent = COMPONENTS.map((comp, k) => [comp, parts[k]] as const)

// The host paths, each timed as a whole cycle inside one Effect (as the Analysis loop runs it).
const symbolsOf: Array<ReadonlyArray<Base>> = []
for (let i = 0; i < bases.length; i += TIMEFRAMES.length) symbolsOf.push(bases.slice(i, i + TIMEFRAMES.length))
const [d, dRef, f, g] = await Effect.runPromise(Effect.gen(function*() {
  const host = yield* PluginHost
  // D: one evaluate + fold per (symbol, timeframe); D0: the same with the fold routed through
  // the one-call-per-aggregation kernel (`mean: weightedMeanWasm`, how Analysis folded before).
  const perContext = (mean?: typeof weightedMeanWasm) => Effect.forEach(bases, (base) => Effect.map(host.evaluate(base), (outcomes) => {
    sink += foldConfluence(outcomes, mean === undefined ? { timeframe: base.timeframe, time: 0 } : { timeframe: base.timeframe, time: 0, mean }).score ?? 0
  }), { discard: true })
  // F: what Analysis does per symbol — one evaluateSymbol over its timeframes, a fold each;
  // G: F plus the roll-up of the timeframes into the symbol's overall score.
  const perSymbolCycle = (rollUp: boolean) => Effect.forEach(symbolsOf, (ctxs) => Effect.map(host.evaluateSymbol(ctxs), (outcomes) => {
    const results = outcomes.map((o, k) => foldConfluence(o, { timeframe: ctxs[k].timeframe, time: 0 }))
    sink += rollUp ? rollUpTimeframes(ctxs[0].symbol, results).score ?? 0 : results[0].score ?? 0
  }), { discard: true })
  const variants = [perContext(), perContext(weightedMeanWasm), perSymbolCycle(false), perSymbolCycle(true)]
  for (let i = 0; i < WARMUP; i++) for (const v of variants) yield* v
  const xs = variants.map(() => [] as Array<number>)
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < variants.length; k++) {
      const t0 = performance.now()
      yield* variants[k]
      xs[k].push(performance.now() - t0)
    }
  }
  return xs.map(median)
}).pipe(
  Effect.provide(PluginHost.layer({ root: join(import.meta.dir, "../.."), folders: ["plugins/indicators"], watch: false, budgetMs: 50 })),
  Effect.provideService(References.MinimumLogLevel, "Error"),
))

const calls = bases.length * plugins.length
const ms = (x: number) => `${x.toFixed(2)} ms`
const lines = [
  `bench:confluence — ${plugins.length} built-in indicators × ${SYMBOLS} symbols × ${TIMEFRAMES.length} timeframes = ${calls} compute calls per cycle (median of ${RUNS} interleaved runs after ${WARMUP} warm-ups; ta = ${taSource})`,
  `  A. plugins only (core/ta)            ${ms(a).padStart(10)}   ${((a * 1000) / calls).toFixed(2)} µs/call   target < 20 ms: ${a < 20 ? "met" : "NOT met"}`,
  `  B. plugins only (TS reference ta)    ${ms(b).padStart(10)}   A/B = ${(a / b).toFixed(2)}`,
  `  C. plugins + foldConfluence          ${ms(c).padStart(10)}   fold share ${(((c - a) / c) * 100).toFixed(0)} %`,
  `  D. PluginHost.evaluate + fold        ${ms(d).padStart(10)}   host overhead vs C ${(d / c).toFixed(2)}×`,
  `  D0. D, fold via mean: weightedMeanWasm ${ms(dRef).padStart(8)}   D/D0 = ${(d / dRef).toFixed(2)}`,
  `  F. evaluateSymbol + fold (Analysis)  ${ms(f).padStart(10)}   F/D = ${(f / d).toFixed(2)}   target < 20 ms: ${f < 20 ? "met" : "NOT met"}`,
  `  G. F + roll-up per symbol            ${ms(g).padStart(10)}   G/F = ${(g / f).toFixed(2)}   target < 20 ms: ${g < 20 ? "met" : "NOT met"}`,
  `  E. A with book/tape plugins once per symbol (${perSymbol.filter(Boolean).length} of ${plugins.length})  ${ms(e).padStart(10)}   E/A = ${(e / a).toFixed(2)}   target < 20 ms: ${e < 20 ? "met" : "NOT met"}`,
  "  per component (A):",
  ...perComponent.map(([comp, t]) => `    ${comp.padEnd(16)} ${ms(t).padStart(10)}  (${plugins.filter((p) => p.component === comp).length} plugins)`),
  "",
  formatDistributions("score distributions, replayed fixtures (BTC/LTC 1m + 5m)", replay(plugins)),
]
process.stdout.write(`${lines.join("\n")}\n`)
if (!Number.isFinite(sink)) process.exitCode = 1
