/**
 * Test support for the built-in indicator plugins: real candles from the fixtures, every plugin
 * loaded from `plugins/indicators/`, contexts with declared params; synthetic order books,
 * trades and exchange-only market data come from `synthetic-market.ts` (re-exported here).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type {
  CandleColumns,
  IndicatorContext,
  IndicatorPlugin,
  IndicatorResult,
  MarketContext,
  OrderBook,
  ParamValue,
  Timeframe,
  Trade,
} from "../../../core/plugins/sdk.ts"
import { scoring } from "../../../core/plugins/sdk.ts"

import { inputsOf, makeInputEngine } from "../../../core/plugins/inputs/index.ts"
import { getKernels } from "../../../core/wasm/index.ts"

const ROOT = join(import.meta.dir, "../../..")
export const PLUGIN_DIR = join(ROOT, "plugins/indicators")

// core/ta (WASM) when it exists, else the TS reference with the same signatures.
const taPath = existsSync(join(ROOT, "core/ta/index.ts")) ? "core/ta/index.ts" : "test/support/ta-reference/index.ts"
export const taSource = taPath
export const ta = (await import(join(ROOT, taPath))) as IndicatorContext["ta"]

export type AnyPlugin = IndicatorPlugin<Record<string, ParamValue>>

/** Every plugin file in plugins/indicators, default export, sorted by name. */
export const loadPlugins = async (): Promise<ReadonlyArray<AnyPlugin>> => {
  const files = readdirSync(PLUGIN_DIR)
    .filter((f) => f.endsWith(".ts"))
    .sort()
  const mods = await Promise.all(files.map((f) => import(join(PLUGIN_DIR, f))))
  return mods.map((m) => m.default as AnyPlugin)
}

// ---------------------------------------------------------------- candles

export const loadCandles = (name: "btcusdt-1m" | "ltcusdt-1m"): CandleColumns => {
  const lines = readFileSync(join(ROOT, "test/fixtures/talib", `${name}.csv`), "utf8")
    .trim()
    .split("\n")
    .slice(1)
  const cols = Array.from({ length: 6 }, () => new Float64Array(lines.length))
  lines.forEach((line, i) =>
    line.split(",").forEach((v, j) => {
      cols[j][i] = Number(v)
    }),
  )
  const [time, open, high, low, close, volume] = cols
  return { time, open, high, low, close, volume }
}

export const columns = (
  rows: ReadonlyArray<readonly [number, number, number, number, number, number]>,
): CandleColumns => {
  const cols = Array.from({ length: 6 }, () => new Float64Array(rows.length))
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      cols[j][i] = v
    }),
  )
  const [time, open, high, low, close, volume] = cols
  return { time, open, high, low, close, volume }
}

/** Aggregates every `k` candles into one (open of the first, close of the last, max/min, Σ volume). */
export const resample = (c: CandleColumns, k: number): CandleColumns => {
  const n = Math.floor(c.close.length / k)
  const out = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  }
  for (let i = 0; i < n; i++) {
    const a = i * k
    out.time[i] = c.time[a]
    out.open[i] = c.open[a]
    out.close[i] = c.close[a + k - 1]
    let h = -Infinity
    let l = Infinity
    let v = 0
    for (let j = a; j < a + k; j++) {
      if (c.high[j] > h) h = c.high[j]
      if (c.low[j] < l) l = c.low[j]
      v += c.volume[j]
    }
    out.high[i] = h
    out.low[i] = l
    out.volume[i] = v
  }
  return out
}

/** Candles [end − n, end) as zero-copy views, as the host hands them over. */
export const window = (c: CandleColumns, end: number, n: number): CandleColumns => {
  const from = Math.max(0, end - n)
  return {
    time: c.time.subarray(from, end),
    open: c.open.subarray(from, end),
    high: c.high.subarray(from, end),
    low: c.low.subarray(from, end),
    close: c.close.subarray(from, end),
    volume: c.volume.subarray(from, end),
  }
}

/** A steady trend: `n` candles drifting `drift` (fraction) per candle, with a wobble that makes pullbacks. */
export const trendCandles = (n: number, drift: number, start = 100, volume = 10): CandleColumns => {
  const rows: Array<[number, number, number, number, number, number]> = []
  let p = start
  for (let i = 0; i < n; i++) {
    const o = p
    const c = p * (1 + drift + Math.abs(drift) * (1.6 * Math.sin(i * 1.7) + 3 * Math.sin(i / 5)))
    const wick = Math.abs(c - o) * 0.3 + p * 0.0005
    rows.push([i * 60_000, o, Math.max(o, c) + wick, Math.min(o, c) - wick, c, volume * (1 + 0.3 * Math.sin(i))])
    p = c
  }
  return columns(rows)
}

/** The log-price mirror image of `c` around its first open: every up-move becomes a down-move. */
export const mirror = (c: CandleColumns): CandleColumns => {
  const k = c.open[0] * c.open[0]
  const inv = (a: Float64Array) => a.map((x) => k / x)
  return { time: c.time, open: inv(c.open), high: inv(c.low), low: inv(c.high), close: inv(c.close), volume: c.volume }
}

export const flatCandles = (n: number, price = 100, volume = 5): CandleColumns =>
  columns(Array.from({ length: n }, (_, i) => [i * 60_000, price, price, price, price, volume] as const))

// ---------------------------------------------------------------- contexts

export interface ContextParts {
  readonly candles?: CandleColumns
  readonly orderbook?: OrderBook
  readonly trades?: ReadonlyArray<Trade>
  /** The tape's columns as Analysis hands them (default: the columns of `trades`). */
  readonly tape?: scoring.TapeColumns
  readonly market?: MarketContext
  readonly params?: Record<string, ParamValue>
  readonly timeframe?: Timeframe
  /** Also keys the declared inputs' series (default "TEST/USDT"). */
  readonly symbol?: string
}

export const defaultParams = (p: AnyPlugin): Record<string, ParamValue> => {
  const out: Record<string, ParamValue> = {}
  for (const [k, spec] of Object.entries(p.params ?? {})) out[k] = spec.default
  return out
}

/**
 * Declared inputs come from the host's real input engine (resident WASM, fed incrementally): a
 * context whose candles extend the previous one's (a replay) advances the series, any other
 * resets it, exactly as on the live path.
 */
const inputEngine = makeInputEngine(getKernels)

export const contextFor = (p: AnyPlugin, parts: ContextParts): IndicatorContext => {
  const base = {
    symbol: parts.symbol ?? "TEST/USDT",
    timeframe: parts.timeframe ?? "1m",
    candles: parts.candles ?? flatCandles(0),
    ta,
    ...(parts.orderbook === undefined ? {} : { orderbook: parts.orderbook }),
    // As the host hands a tape: its columns beside the trade objects.
    ...(parts.trades === undefined ? {} : { trades: parts.trades }),
    ...(parts.tape === undefined && parts.trades === undefined
      ? {}
      : { tape: parts.tape ?? scoring.tapeColumns(parts.trades!) }),
    market: parts.market ?? {},
  }
  const params = { ...defaultParams(p), ...parts.params }
  return { ...base, params, ...inputEngine.read(base, inputsOf(p, params)) }
}

export const run = (p: AnyPlugin, parts: ContextParts): IndicatorResult => p.compute(contextFor(p, parts))

export * from "./synthetic-market.ts"
