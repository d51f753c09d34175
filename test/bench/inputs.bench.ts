/**
 * `bun run bench:inputs` — one analysis cycle of the built-in plugins' declared indicator
 * inputs for 200 symbols × 4 timeframes (800 series), each series receiving one new closed
 * candle, measured three ways in one run (medians over CYCLES consecutive cycles):
 *
 *   engine advance        – `InputEngine.advance`: append the new candle of every series, then
 *                           ONE WASM `compute()` for all of them (the path the Analysis loop runs)
 *   engine advance+reads  – the same plus every declaring plugin's `read` on every series (the
 *                           values and copied histories handed to plugins; cached per series)
 *   TS windowed recompute – what the 13 plugins computed per call without declared inputs: each
 *                           its own indicator over its own trailing window (RSI/ADX over 150
 *                           candles, ATR over 56–140 in six plugins, ADOSC over 40, CCI/WILLR/
 *                           SMA/OBV slope/AD change over their periods), last value only, no
 *                           allocations (`support/windowed-last.ts`)
 *
 * The declared set is what the built-in plugins declare with default params (loaded from
 * plugins/indicators); the candles are the real fixtures, 300 candles visible per series. The
 * warm-up is long because the WASM engine reaches its optimised tier only after many calls.
 */
import { inputsOf, makeInputEngine, type ResolvedInputs, type SeriesCandles } from "../../core/plugins/inputs/index.ts"
import type { CandleColumns } from "../../core/market-schema/index.ts"
import { highest, lowest, mean, sum } from "../../core/plugins/scoring/series.ts"
import { getKernels } from "../../core/wasm/index.ts"
import { defaultParams, loadCandles, loadPlugins } from "../plugins/indicators/support.ts"
import { adSpan, adoscLast, atrLast, cciLast, dmiLast, obvTrend, rsiLast } from "./support/windowed-last.ts"

const SYMBOLS = 200
const TIMEFRAMES = 4
const VISIBLE = 300
const START = 300
const CYCLES = Number(process.env.BENCH_CYCLES ?? 401)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 150)

const median = (xs: Array<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const fixtures = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]
const view = (c: CandleColumns, from: number, to: number): CandleColumns => ({
  time: c.time.subarray(from, to),
  open: c.open.subarray(from, to),
  high: c.high.subarray(from, to),
  low: c.low.subarray(from, to),
  close: c.close.subarray(from, to),
  volume: c.volume.subarray(from, to),
})

interface Series {
  readonly symbol: string
  readonly timeframe: string
  readonly src: CandleColumns
  readonly offset: number
}
const series: Array<Series> = []
for (let s = 0; s < SYMBOLS; s++) {
  for (let t = 0; t < TIMEFRAMES; t++) {
    series.push({
      symbol: `SYM${s}/USDT`,
      timeframe: `tf${t}`,
      src: fixtures[(s + t) % 2]!,
      offset: (s * 7 + t * 53) % 300,
    })
  }
}
/** Every series' visible candles after `cycle` new candles. */
const frame = (cycle: number): Array<SeriesCandles> =>
  series.map((s) => {
    const end = s.offset + START + cycle
    return { symbol: s.symbol, timeframe: s.timeframe, candles: view(s.src, Math.max(s.offset, end - VISIBLE), end) }
  })
const maxCycles = Math.min(...fixtures.map((f) => f.close.length)) - 300 - START
if (WARMUP + CYCLES > maxCycles) throw new Error(`at most ${maxCycles - WARMUP} cycles fit the fixtures`)

const plugins = (await loadPlugins()).filter((p) => p.inputs !== undefined)
const declared: Array<ResolvedInputs> = plugins.map((p) => inputsOf(p, defaultParams(p)))
const engine = makeInputEngine(getKernels)
engine.use(declared)

/**
 * What each declaring plugin recomputed per call over its trailing window before declaring
 * inputs (same windows, default params), one entry per plugin: ATR(14) appears six times
 * because six plugins each computed it, which is the duplication declared inputs remove.
 */
const windowedPerPlugin: ReadonlyArray<(c: CandleColumns, n: number) => number> = [
  (c, n) => rsiLast(c.close, 14, Math.max(0, n - 150), n), // technical-rsi
  (c, n) => dmiLast(c.high, c.low, c.close, 14, Math.max(0, n - 150), n).adx, // technical-adx
  (c, n) => atrLast(c.high, c.low, c.close, 14, Math.max(0, n - 140), n), // technical-atr
  (c, n) => atrLast(c.high, c.low, c.close, 14, Math.max(0, n - 56), n), // technical-ao
  (c) => cciLast(c.high, c.low, c.close, 20), // technical-cci
  (c, n) => highest(c.high, n - 14, n) - lowest(c.low, n - 14, n), // technical-williams-r
  (c, n) => adoscLast(c.high, c.low, c.close, c.volume, 3, 10, Math.max(0, n - 40), n), // volume-adl
  (c, n) => obvTrend(c.close, c.volume, n - 20, n).slope, // volume-obv
  (c, n) => adSpan(c.high, c.low, c.close, c.volume, n - 21, n) / sum(c.volume, n - 20, n), // volume-cmf
  (c, n) =>
    // price-trend-position
    mean(c.close, n - 20, n) + mean(c.close, n - 50, n) + atrLast(c.high, c.low, c.close, 14, Math.max(0, n - 70), n),
  (c, n) => atrLast(c.high, c.low, c.close, 14, Math.max(0, n - 100), n), // price-fvg
  (c, n) => atrLast(c.high, c.low, c.close, 14, Math.max(0, n - 100), n), // price-liquidity-zones
  (c, n) => atrLast(c.high, c.low, c.close, 14, Math.max(0, n - 100), n), // price-support-resistance
]
if (windowedPerPlugin.length !== plugins.length)
  throw new Error(`expected ${windowedPerPlugin.length} declaring plugins, found ${plugins.length}`)
const windowed = (c: CandleColumns): number => {
  const n = c.close.length
  let x = 0
  for (const f of windowedPerPlugin) x += f(c, n)
  return x
}

let sink = 0
const advanceMs: Array<number> = []
const readsMs: Array<number> = []
const windowedMs: Array<number> = []
const callsBefore = engine.stats().computeCalls
// First cycle feeds each series its START candles (the start-up backfill), then warm-up.
engine.advance(frame(0))
for (let cycle = 1; cycle <= WARMUP + CYCLES; cycle++) {
  const f = frame(cycle)
  const calls = engine.stats().computeCalls
  let t = performance.now()
  engine.advance(f)
  const advance = performance.now() - t
  if (engine.stats().computeCalls !== calls + 1) throw new Error("advance must make exactly one WASM call per cycle")
  t = performance.now()
  for (const sc of f) for (const d of declared) sink += engine.read(sc, d).inputs[d.list[0]!.name]!
  const reads = performance.now() - t
  t = performance.now()
  for (const sc of f) sink += windowed(sc.candles)
  const win = performance.now() - t
  if (cycle > WARMUP) {
    advanceMs.push(advance)
    readsMs.push(advance + reads)
    windowedMs.push(win)
  }
}

// Sanity: both sides compute the same indicators (the windowed ones differ by their seeds only).
const last = frame(WARMUP + CYCLES)[0]!
const rsiDecl = declared.find((d) => d.list.some((r) => r.fn === "rsi"))!
const engineRsi = engine.read(last, rsiDecl).inputs[rsiDecl.list.find((r) => r.fn === "rsi")!.name]!
const n = last.candles.close.length
const windowRsi = rsiLast(last.candles.close, 14, n - 150, n)
if (!(Math.abs(engineRsi - windowRsi) < 0.01))
  throw new Error(`RSI differs: engine ${engineRsi}, windowed ${windowRsi}`)

const stats = engine.stats()
const a = median(advanceMs)
const r = median(readsMs)
const w = median(windowedMs)
const fmt = (ms: number) => `${ms.toFixed(3).padStart(8)} ms`
console.log(
  `bench:inputs — ${plugins.length} declaring plugins, ${stats.entries} distinct inputs, ` +
    `${SYMBOLS} symbols × ${TIMEFRAMES} timeframes ` +
    `= ${series.length} series, one new closed candle each; median of ${CYCLES} cycles after ${WARMUP} warm-ups`,
)
console.log(`  engine advance (1 WASM call)       ${fmt(a)}   ${((a * 1000) / series.length).toFixed(2)} µs/series`)
console.log(`  engine advance + plugin reads      ${fmt(r)}   ${((r * 1000) / series.length).toFixed(2)} µs/series`)
console.log(`  TS windowed recompute (per plugin) ${fmt(w)}   ${((w * 1000) / series.length).toFixed(2)} µs/series`)
console.log(`  ratio windowed / advance: ${(w / a).toFixed(1)}×; windowed / advance+reads: ${(w / r).toFixed(1)}×`)
console.log(
  `  WASM compute calls: ${stats.computeCalls - callsBefore} (${CYCLES + WARMUP} cycles + backfill); ` +
    `engine memory ${(stats.memoryBytes / 1048576).toFixed(1)} MiB`,
)
if (sink === 42) console.log("")
engine.dispose()
