/**
 * bench:confluence — one analysis cycle: every built-in indicator for 200 symbols × 4 timeframes
 * (1m/5m/30m/4h with the default resident candle counts 1000/300/200/200), then the confluence
 * fold per (symbol, timeframe). The candles are the real fixtures at per-symbol offsets, loaded
 * into ResidentCandles (WASM memory, as MarketData holds them), so indicators get the same
 * zero-copy resident views as in the engine; each symbol has one synthetic 25-level book, 400
 * trades and derivatives data shared by its timeframes (as the host fetches them once per symbol).
 *
 * Reports medians of 7 interleaved timed runs (after 3 warm-ups of each) for:
 *   A. plugins only, core/ta (WASM-backed)       B. the same with the TS reference ta (ratio A/B;
 *      no built-in calls ctx.ta any more — their math is in core/plugins/scoring — so A/B ≈ 1)
 *   C. plugins + foldConfluence                   D. PluginHost.evaluate + fold (the host's hot loop)
 *   E. as A, but symbol-scoped plugins (`scopeOf`: lookback 0, needs ⊆ {orderbook, trades})
 *      run once per symbol instead of once per timeframe — their result is the same for every
 *      timeframe (test/plugins/indicators/catalogue.test.ts checks that)
 *   D0. D with the fold routed through one WASM call per aggregation
 *   F. PluginHost.evaluateSymbol (one pass per symbol, symbol-scoped plugins once) + fold:
 *      the path the Analysis loop takes — the cycle target applies here
 *   F*. F, then `detailOf` on every result (contribution lists and interpretation line, which the
 *       fold leaves to readers; what a consumer of every series' detail would pay on top of F)
 *   G. F plus rollUpTimeframes per symbol (the whole numeric part of an Analysis cycle)
 *   F'. F over JS-heap views of the same candles: subarrays of the two fixture series, so the
 *       200 symbols share a few hundred KB of candles (a cache-resident working set)
 *   F". F over one JS-heap copy per series: the resident working set, in ordinary JS memory —
 *       F/F" isolates the view type (WASM-memory Float64Array vs heap); F"/F' the working set
 * Wall and CPU time are both reported (CPU includes GC helper threads).
 * plus a per-component split of A and the score distributions of the replayed fixtures.
 */
import { Effect, Layer, ManagedRuntime, References } from "effect"
import { join } from "node:path"
import { inputsOf, makeInputEngine } from "../../core/plugins/inputs/index.ts"
import { detailOf, foldConfluence, rollUpTimeframes, weightedMeanWasm, type PluginScore, type WeightedMean } from "../../core/analysis/confluence/index.ts"
import { ResidentCandles } from "../../core/market/index.ts"
import { PluginHost } from "../../core/plugins/index.ts"
import { getKernels, Kernels } from "../../core/wasm/index.ts"
import { COMPONENTS, scopeOf, type CandleColumns, type Component, type IndicatorContext, type Timeframe } from "../../core/plugins/sdk.ts"
import * as reference from "../support/ta-reference/index.ts"
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

// One runtime for the whole bench: the PluginHost over the built-in folder, and the resident
// candle columns in WASM memory that MarketData hands to Analysis in the running engine.
const runtime = ManagedRuntime.make(Layer.mergeAll(
  PluginHost.layer({ root: join(import.meta.dir, "../.."), folders: ["plugins/indicators"], watch: false, budgetMs: 50 }),
  ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)),
  Layer.succeed(References.MinimumLogLevel, "Error"),
))
const [host, resident] = await runtime.runPromise(Effect.gen(function*() { return [yield* PluginHost, yield* ResidentCandles] as const }))

type Base = Omit<IndicatorContext, "params" | "inputs" | "history">
const bases: Array<Base> = [] // candles resident in WASM memory (the engine's path)
const heapBases: Array<Base> = [] // the same candles as JS-heap subarrays of the two fixtures (shared memory)
const ownBases: Array<Base> = [] // one JS-heap copy per series (as much memory as the resident columns)
const seriesIds: Array<number> = []
for (let s = 0; s < SYMBOLS; s++) {
  const src = series[s % 2]
  const symEnd = Math.min(src.close.length, 1000 + ((s * 37) % (src.close.length - 1000)))
  const book = syntheticBook(src, symEnd, { seed: s })
  const trades = syntheticTrades(src, symEnd, { seed: s })
  const market = syntheticMarket(src, symEnd, { seed: s })
  for (const [tf, n] of TIMEFRAMES) {
    const candles: CandleColumns = window(src, symEnd, n)
    const id = resident.addSeries(`SYM${s}/USDT|${tf}`, n)
    for (let i = 0; i < candles.close.length; i++) {
      resident.append(id, { time: candles.time[i], open: candles.open[i], high: candles.high[i], low: candles.low[i], close: candles.close[i], volume: candles.volume[i] })
    }
    seriesIds.push(id)
    heapBases.push({ symbol: `SYM${s}/USDT`, timeframe: tf, candles, ta, orderbook: book, trades, market })
    const own: CandleColumns = {
      time: candles.time.slice(), open: candles.open.slice(), high: candles.high.slice(),
      low: candles.low.slice(), close: candles.close.slice(), volume: candles.volume.slice(),
    }
    ownBases.push({ symbol: `SYM${s}/USDT`, timeframe: tf, candles: own, ta, orderbook: book, trades, market })
  }
}
// Grow the kernel scratch and the fold's blocks once now, so memory does not grow (detaching the
// resident views) during the timed runs; checked at the end.
const K = getKernels()
K.scratch(1 << 20)
rollUpTimeframes("warm-up", [foldConfluence([], { timeframe: "1m", time: 0 })])
const generation = K.generation()
for (let i = 0; i < heapBases.length; i++) bases.push({ ...heapBases[i], candles: resident.columns(seriesIds[i]) })
const paramsOf = new Map(plugins.map((p) => [p.name, defaultParams(p)]))
// Contexts per (base, plugin) are built once: building them is the host's cost, measured in D.
// Declared inputs are read once per (base, plugin) from the host's input engine, as the host does.
const inputEngine = makeInputEngine(getKernels)
const contexts = (taImpl: IndicatorContext["ta"]) =>
  bases.map((b) => plugins.map((p) => {
    const params = paramsOf.get(p.name)!
    return { ...b, ta: taImpl, params, ...inputEngine.read(b, inputsOf(p, params)) } as IndicatorContext
  }))
const ctxWasm = contexts(ta)
const ctxRef = contexts(reference as unknown as IndicatorContext["ta"])

const median = (xs: ReadonlyArray<number>) => {
  const v = [...xs].sort((a, b) => a - b)
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
}
/** Wall and CPU milliseconds of one call (CPU: this process, all threads — GC included). */
const clock = (f: () => void): readonly [number, number] => {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  f()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  return [wall, (c.user + c.system) / 1000]
}
/**
 * Warms every variant up first, then runs them interleaved (one of each per round), so a
 * neighbour's load or the JIT tiering up hits all variants alike; medians per variant, of wall
 * time and of CPU time (on a shared machine the CPU time is the steadier of the two: a
 * neighbour's load stretches wall time, not our CPU time).
 */
const timeAll = (variants: ReadonlyArray<() => void>): Array<readonly [number, number]> => {
  for (let i = 0; i < WARMUP; i++) for (const f of variants) f()
  const wall = variants.map(() => [] as Array<number>)
  const cpu = variants.map(() => [] as Array<number>)
  for (let r = 0; r < RUNS; r++) {
    variants.forEach((f, k) => {
      const [w, c] = clock(f)
      wall[k].push(w)
      cpu[k].push(c)
    })
  }
  return variants.map((_, k) => [median(wall[k]), median(cpu[k])] as const)
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

// The host paths: each a whole cycle inside one Effect (as the Analysis loop runs it), on the
// runtime above, interleaved with the direct variants.
const bySymbol = (xs: ReadonlyArray<Base>) => {
  const out: Array<ReadonlyArray<Base>> = []
  for (let i = 0; i < xs.length; i += TIMEFRAMES.length) out.push(xs.slice(i, i + TIMEFRAMES.length))
  return out
}
// D: one evaluate + fold per (symbol, timeframe); D0: the same with the fold routed through one
// kernel call per aggregation (`mean: weightedMeanWasm`, how Analysis folded before).
const perContext = (mean?: WeightedMean) => {
  const cycle = Effect.forEach(bases, (base) => Effect.map(host.evaluate(base), (outcomes) => {
    sink += foldConfluence(outcomes, mean === undefined ? { timeframe: base.timeframe, time: 0 } : { timeframe: base.timeframe, time: 0, mean }).score ?? 0
  }), { discard: true })
  return () => runtime.runSync(cycle)
}
// F: what Analysis does per symbol — one evaluateSymbol over its timeframes, then a fold each;
// G: F plus the roll-up of the timeframes into the symbol's overall score.
const perSymbolCycle = (rollUp: boolean, symbols = bySymbol(bases), readAll = false) => {
  const cycle = Effect.forEach(symbols, (ctxs) => Effect.map(host.evaluateSymbol(ctxs), (outcomes) => {
    const results = outcomes.map((o, k) => foldConfluence(o, { timeframe: ctxs[k].timeframe, time: 0 }))
    sink += rollUp ? rollUpTimeframes(ctxs[0].symbol, results).score ?? 0 : results[0].score ?? 0
    if (readAll) for (const r of results) { const d = detailOf(r); sink += d.interpretation.length + COMPONENTS.reduce((t, c) => t + d.components[c].plugins.length, 0) }
  }), { discard: true })
  return () => runtime.runSync(cycle)
}

const [a, e, b, c, d, dRef, f, fAll, g, fHeap, fOwn, ...parts] = timeAll([
  runPlugins(ctxWasm), runDeduped, runPlugins(ctxRef), runWithFold, perContext(), perContext(weightedMeanWasm),
  perSymbolCycle(false), perSymbolCycle(false, bySymbol(bases), true), perSymbolCycle(true),
  perSymbolCycle(false, bySymbol(heapBases)), perSymbolCycle(false, bySymbol(ownBases)),
  ...COMPONENTS.map((comp) => runPlugins(ctxWasm, comp)),
])
const grew = K.generation() !== generation
// The host's own per-plugin stats (mean over its last calls, from D/F/G), weighted by how often
// the Analysis path (F) calls each plugin per cycle: where the remaining cycle time goes.
const costs = (await runtime.runPromise(host.list))
  .filter((p) => p.kind === "indicator")
  .map((p) => {
    const perCycle = scopeOf(plugins.find((q) => q.name === p.name)!) === "symbol" ? SYMBOLS : bases.length
    return { name: p.name, meanMicros: p.meanMicros, ms: (p.meanMicros * perCycle) / 1000 }
  })
  .sort((x, y) => y.ms - x.ms)
await runtime.dispose()
const perComponent = COMPONENTS.map((comp, k) => [comp, parts[k]] as const)

const calls = bases.length * plugins.length
const ms = (x: number) => `${x.toFixed(2)} ms`
type T = readonly [number, number]
const row = (label: string, t: T, note: string) => `  ${label.padEnd(44)} ${ms(t[0]).padStart(9)} ${ms(t[1]).padStart(9)}   ${note}`
const ratio = (x: T, y: T) => `${(x[0] / y[0]).toFixed(2)} (CPU ${(x[1] / y[1]).toFixed(2)})`
const target = (t: T) => `target < 20 ms: ${t[0] < 20 ? "met" : "NOT met"} (CPU: ${t[1] < 20 ? "met" : "NOT met"})`
const lines = [
  `bench:confluence — ${plugins.length} built-in indicators × ${SYMBOLS} symbols × ${TIMEFRAMES.length} timeframes = ${calls} compute calls per cycle (median of ${RUNS} interleaved runs after ${WARMUP} warm-ups; ta = ${taSource})`,
  `  ${"".padEnd(44)} ${"wall".padStart(9)} ${"CPU".padStart(9)}`,
  row("A. plugins only (core/ta)", a, `${((a[0] * 1000) / calls).toFixed(2)} µs/call`),
  row("B. plugins only (TS reference ta)", b, `A/B = ${ratio(a, b)}`),
  row("C. plugins + foldConfluence", c, `fold share ${(((c[0] - a[0]) / c[0]) * 100).toFixed(0)} %`),
  row("D. PluginHost.evaluate + fold, per context", d, `D/C = ${ratio(d, c)}`),
  row("D0. D with the fold via mean: weightedMeanWasm", dRef, `D/D0 = ${ratio(d, dRef)}`),
  row(`E. A, symbol-scoped plugins once (${perSymbol.filter(Boolean).length} of ${plugins.length})`, e, `E/A = ${ratio(e, a)}`),
  row("F. evaluateSymbol + fold (the Analysis path)", f, `F/D0 = ${ratio(f, dRef)}   ${target(f)}`),
  row("F*. F, then detailOf of every result", fAll, `F*/F = ${ratio(fAll, f)}`),
  row("G. F + rollUpTimeframes per symbol", g, `G/F = ${ratio(g, f)}   ${target(g)}`),
  row("F'. F with JS-heap candles (shared fixtures)", fHeap, `F/F' = ${ratio(f, fHeap)}`),
  row("F\". F with a JS-heap copy per series", fOwn, `F/F" = ${ratio(f, fOwn)}   F"/F' = ${ratio(fOwn, fHeap)}`),
  "  per component (A):",
  ...perComponent.map(([comp, t]) => `    ${comp.padEnd(16)} ${ms(t[0]).padStart(10)} ${ms(t[1]).padStart(10)}  (${plugins.filter((p) => p.component === comp).length} plugins)`),
  `  plugin cost per cycle on the Analysis path (host stats: mean µs/call × calls per cycle), top 12 of ${costs.length}; all: ${ms(costs.reduce((t, x) => t + x.ms, 0))}`,
  ...costs.slice(0, 12).map((x) => `    ${x.name.padEnd(26)} ${ms(x.ms).padStart(9)}  (${x.meanMicros.toFixed(1)} µs/call)`),
  "",
  formatDistributions("score distributions, replayed fixtures (BTC/LTC 1m + 5m)", replay(plugins)),
]
process.stdout.write(`${lines.join("\n")}\n`)
if (!Number.isFinite(sink)) process.exitCode = 1
if (grew) {
  process.stderr.write("WASM memory grew during the timed runs: resident candle views were detached, numbers are invalid\n")
  process.exitCode = 1
}
