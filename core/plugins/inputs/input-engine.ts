/**
 * @module The host side of declared inputs: every distinct declared input of the loaded plugins,
 * computed incrementally in one resident WASM engine (`core/ta/engine`), one series per
 * symbol × timeframe, and read out as plain numbers and small copied arrays.
 *
 * Feeding compares a series' candles with what the engine already holds: only candles newer
 * than the last one fed are appended; a changed newest candle is re-stepped (`replaceLast`);
 * anything else (another history under the same key, a gap longer than the view) resets the
 * series and feeds the whole view. Values are therefore TA-Lib's over every candle fed since the
 * series started, not over a trailing window. `advance` feeds many series and then makes ONE
 * `compute()` call for all of them; `read` feeds on demand, so a context that was not advanced
 * (a test, a one-off evaluation) still gets exact values.
 *
 * The engine's plan is fixed when it is built, so a new distinct input (a plugin loaded or
 * reconfigured) rebuilds it, and `use` rebuilds it without inputs nobody declares any more;
 * either way each series is fed again from the candles of its next context.
 */
import type { CandleColumns } from "../../market-schema/index.ts"
import { makeResidentEngine, type IndicatorSet, type ResidentEngine } from "../../ta/engine/index.ts"
import type { WasmKernels } from "../../wasm/index.ts"
import type { InputValues } from "./declare.ts"
import type { ResolvedInputs } from "./resolve.ts"
import { CORRECTED, drain, sync, type FedSeries, type Pending } from "./series-feed.ts"
import { record, valuesOf, type Layout } from "./values.ts"

/** One series as the host sees it: whose candles (closed, oldest first) they are. */
export interface SeriesCandles {
  readonly symbol: string
  readonly timeframe: string
  readonly candles: CandleColumns
}

export interface InputEngineStats {
  /** WASM `compute()` calls made so far. */
  readonly computeCalls: number
  readonly series: number
  /** Distinct engine entries (equal declarations of several plugins count once). */
  readonly entries: number
  readonly memoryBytes: number
}

export interface InputEngine {
  /**
   * Feeds every series' new candles, then makes one WASM call for all of them; a backlog takes
   * one call per `chunk` candles, and with declared histories one per candle of the last
   * `history`. Returns how many series changed.
   */
  advance(series: ReadonlyArray<SeriesCandles>): number
  /** The declared inputs' values on one series (fed and computed first if they are not up to date). */
  read(series: SeriesCandles, inputs: ResolvedInputs): InputValues
  /** How many times the engine was fed and computed so far: a read that leaves it unchanged only read values out. */
  feeds(): number
  /**
   * Makes the engine compute exactly what `sets` declare (the loaded plugins'); rebuilds it only
   * when that changes. `read` still adds an entry it meets that is not yet there.
   */
  use(sets: ReadonlyArray<ResolvedInputs>): void
  /** Frees the series of every symbol not in `symbols` (the tracked set changed). */
  retainSymbols(symbols: ReadonlySet<string>): void
  stats(): InputEngineStats
  dispose(): void
}

export interface InputEngineOptions {
  /**
   * Upper bound on series; the least recently used one is dropped to make room. Default 4096.
   * The host also frees the series of symbols that leave the tracked set (`retainSymbols`).
   */
  readonly maxSeries?: number
}

const EMPTY: InputValues = Object.freeze({ inputs: Object.freeze({}), history: Object.freeze({}) })
interface Entry {
  readonly fn: string
  readonly params: Readonly<Record<string, number>>
  readonly lookback: number
}

export const makeInputEngine = (kernels: () => WasmKernels, options: InputEngineOptions = {}): InputEngine => {
  const maxSeries = options.maxSeries ?? 4096
  const entries = new Map<string, Entry>()
  let maxHistory = 0
  let engine: ResidentEngine | undefined
  /** Candles appended between two computes without sliding past the kernels' state. */
  let chunk = 0
  const series = new Map<string, FedSeries>()
  /** symbol → timeframe → series: the per-read lookup without building a key string. */
  const bySymbol = new Map<string, Map<string, FedSeries>>()
  let pending = false
  /** Series whose newest candle was corrected: their newest ring row is rewritten after the compute. */
  const corrected: Array<FedSeries> = []
  let outputs = 0
  let computeCalls = 0
  let feeds = 0
  let tick = 0

  const rebuild = (): void => {
    engine?.dispose()
    slots = 0
    series.clear()
    bySymbol.clear()
    pending = false
    const set: Record<string, { fn: string; params: Readonly<Record<string, number>> }> = {}
    let lookback = 0
    for (const [name, e] of entries) {
      set[name] = { fn: e.fn, params: e.params }
      lookback = Math.max(lookback, e.lookback)
    }
    // Room for the warm-up twice over and the longest history; small, because the engine only
    // needs the window for windowed kernels (the recursive ones carry their state).
    const capacity = Math.ceil(Math.max(128, 2 * (lookback + 2)) / 64) * 64
    chunk = capacity - lookback - 2
    const indicators: IndicatorSet = set
    // Latest values only: declared histories come from each series' small ring of latest rows
    // (cheaper to compute and read than the engine's full output columns).
    engine = makeResidentEngine(kernels(), { capacity, maxSeries, indicators, keepHistory: false })
    outputs = engine.outputs.length
  }

  /** Per declared set: the engine it was checked against and its output columns there. */
  const layouts = new WeakMap<ResolvedInputs, Layout>()

  /** Slots of the per-series value caches; one per declared set seen by this engine build. */
  let slots = 0

  /** The set's layout in the current engine, growing (rebuilding) the engine when it lacks an entry. */
  const include = (inputs: ResolvedInputs): Layout => {
    const known = layouts.get(inputs)
    if (known !== undefined && known.engine === engine) return known
    let grow = false
    for (const r of inputs.list) {
      if (!entries.has(r.entry)) {
        entries.set(r.entry, { fn: r.fn, params: r.params, lookback: r.lookback })
        grow = true
      }
      if (r.history > maxHistory) {
        maxHistory = r.history
        grow = true
      }
    }
    if (grow || engine === undefined) rebuild()
    const e = engine!
    const layout: Layout = {
      engine: e,
      slot: slots++,
      cols: Int32Array.from(inputs.list, (r) => e.outputs.indexOf(r.output)),
      history: inputs.list.some((r) => r.history > 0),
    }
    layouts.set(inputs, layout)
    return layout
  }

  const compute = (e: ResidentEngine): void => {
    e.compute()
    computeCalls++
    pending = false
  }

  /** Syncs one series with its candles; a correction (no new candles) still needs a compute. */
  const syncSeries = (e: ResidentEngine, s: FedSeries, c: CandleColumns): number => {
    const from = sync(e, s, c)
    if (from !== CORRECTED) return from
    pending = true
    if (maxHistory > 0) corrected.push(s)
    return c.time.length
  }

  const drainAll = (e: ResidentEngine, work: Array<Pending>): void => {
    feeds++
    drain(
      e,
      work,
      chunk,
      maxHistory,
      () => compute(e),
      (s) => record(e, s, false, outputs, maxHistory),
    )
    if (pending) compute(e)
    for (const s of corrected) record(e, s, true, outputs, maxHistory)
    corrected.length = 0
  }

  const seriesOf = (e: ResidentEngine, sc: SeriesCandles): FedSeries => {
    let frames = bySymbol.get(sc.symbol)
    if (frames === undefined) bySymbol.set(sc.symbol, (frames = new Map()))
    let s = frames.get(sc.timeframe)
    if (s === undefined) {
      if (series.size >= maxSeries) evictOldest(e)
      const key = `${sc.symbol}|${sc.timeframe}`
      s = {
        key,
        symbol: sc.symbol,
        timeframe: sc.timeframe,
        id: e.addSeries(key),
        version: 0,
        used: 0,
        held: 0,
        newest: new Float64Array(6),
        cached: [],
        cachedAt: [],
        ring: new Float64Array(maxHistory * outputs),
        ringNext: 0,
        ringCount: 0,
      }
      series.set(key, s)
      frames.set(sc.timeframe, s)
    }
    s.used = ++tick
    return s
  }

  const evictOldest = (e: ResidentEngine): void => {
    let oldest: FedSeries | undefined
    for (const s of series.values()) if (oldest === undefined || s.used < oldest.used) oldest = s
    if (oldest === undefined) return
    e.removeSeries(oldest.id)
    series.delete(oldest.key)
    bySymbol.get(oldest.symbol)?.delete(oldest.timeframe)
  }

  return {
    advance: (list) => {
      if (engine === undefined || entries.size === 0) return 0
      const e = engine
      const work: Array<Pending> = []
      let changed = 0
      for (const sc of list) {
        const s = seriesOf(e, sc)
        const before = s.version
        const from = syncSeries(e, s, sc.candles)
        if (from < sc.candles.time.length) work.push({ s, c: sc.candles, from })
        if (s.version !== before) changed++
      }
      drainAll(e, work)
      return changed
    },
    read: (sc, inputs) => {
      if (inputs.list.length === 0) return EMPTY
      const layout = include(inputs)
      const e = layout.engine
      const s = seriesOf(e, sc)
      const from = syncSeries(e, s, sc.candles)
      if (from < sc.candles.time.length) drainAll(e, [{ s, c: sc.candles, from }])
      else if (pending) drainAll(e, [])
      if (s.cachedAt[layout.slot] === s.version) return s.cached[layout.slot]!
      s.cachedAt[layout.slot] = s.version
      return valuesOf(e, s, inputs.list, layout, outputs, maxHistory)
    },
    feeds: () => feeds,
    use: (sets) => {
      const wanted = new Map<string, Entry>()
      let history = 0
      for (const set of sets)
        for (const r of set.list) {
          wanted.set(r.entry, { fn: r.fn, params: r.params, lookback: r.lookback })
          history = Math.max(history, r.history)
        }
      const same =
        wanted.size === entries.size && history === maxHistory && [...wanted.keys()].every((k) => entries.has(k))
      if (same && (engine !== undefined || wanted.size === 0)) return
      entries.clear()
      for (const [k, e] of wanted) entries.set(k, e)
      maxHistory = history
      if (entries.size > 0) return rebuild()
      engine?.dispose()
      engine = undefined
      series.clear()
      bySymbol.clear()
    },
    retainSymbols: (symbols) => {
      if (engine === undefined) return
      for (const [symbol, frames] of bySymbol) {
        if (symbols.has(symbol)) continue
        for (const s of frames.values()) {
          engine.removeSeries(s.id)
          series.delete(s.key)
        }
        bySymbol.delete(symbol)
      }
    },
    stats: () => ({
      computeCalls,
      series: series.size,
      entries: entries.size,
      memoryBytes: engine?.memoryBytes() ?? 0,
    }),
    dispose: () => {
      engine?.dispose()
      engine = undefined
      series.clear()
      bySymbol.clear()
      entries.clear()
    },
  }
}
