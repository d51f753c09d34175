/**
 * @module Loads the TA-Lib oracle fixtures (`test/fixtures/talib/`) and compares indicator output
 * against them. Shared by the TS-reference tests and the WASM-kernel tests.
 *
 * The CSV parsing here is deliberately independent of `core/ta/csv.ts`, so a bug in the code under
 * test cannot hide a bug in the oracle loading.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { CandleColumns } from "../../core/market-schema/index.ts"
import { type FunctionSpec, specOf } from "../../core/ta/catalog.ts"

export type FixtureSymbol = "btcusdt" | "ltcusdt"
export const FIXTURE_SYMBOLS: ReadonlyArray<FixtureSymbol> = ["btcusdt", "ltcusdt"]

export type FixtureCandles = CandleColumns

/** One TA-Lib function's run: the `optIn*` parameters passed and its outputs keyed by TA-Lib name. */
export interface TalibRun {
  readonly params: Readonly<Record<string, number>>
  readonly outputs: Readonly<Record<string, ReadonlyArray<number | null>>>
}

export interface Fixture {
  readonly symbol: FixtureSymbol
  readonly candles: FixtureCandles
  /** Keyed by TA-Lib function name (`"PLUS_DI"`). */
  readonly talib: Readonly<Record<string, TalibRun>>
}

export const FIXTURE_DIR = join(import.meta.dir, "..", "fixtures", "talib")

/** Path of a fixture's candle CSV (`timestamp,open,high,low,close,volume`). */
export const fixtureCsvPath = (symbol: FixtureSymbol): string => join(FIXTURE_DIR, `${symbol}-1m.csv`)

const cache = new Map<FixtureSymbol, Fixture>()

const parseCandles = (text: string): FixtureCandles => {
  const lines = text.trim().split(/\r?\n/)
  const header = lines[0]!.split(",")
  const col = (name: string): number => {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`fixture CSV has no "${name}" column`)
    return i
  }
  const idx = [col("timestamp"), col("open"), col("high"), col("low"), col("close"), col("volume")]
  const n = lines.length - 1
  const cols = idx.map(() => new Float64Array(n))
  for (let r = 0; r < n; r++) {
    const cells = lines[r + 1]!.split(",")
    for (let c = 0; c < idx.length; c++) {
      const v = Number(cells[idx[c]!])
      if (!Number.isFinite(v)) throw new Error(`fixture CSV row ${r + 2}: bad cell "${cells[idx[c]!]}"`)
      cols[c]![r] = v
    }
  }
  const [time, open, high, low, close, volume] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ]
  return { time, open, high, low, close, volume }
}

/** Loads (once per process) the candles and the TA-Lib outputs for one fixture symbol. */
export const loadFixture = (symbol: FixtureSymbol): Fixture => {
  const hit = cache.get(symbol)
  if (hit) return hit
  const candles = parseCandles(readFileSync(fixtureCsvPath(symbol), "utf8"))
  const json = JSON.parse(readFileSync(join(FIXTURE_DIR, `${symbol}-1m.talib.json`), "utf8")) as {
    functions: Record<string, TalibRun>
  }
  for (const [name, run] of Object.entries(json.functions)) {
    for (const [out, values] of Object.entries(run.outputs)) {
      if (values.length !== candles.close.length) {
        throw new Error(`fixture ${symbol} ${name}.${out}: ${values.length} values for ${candles.close.length} candles`)
      }
    }
  }
  const fixture: Fixture = { symbol, candles, talib: json.functions }
  cache.set(symbol, fixture)
  return fixture
}

export interface Tolerance {
  /** Absolute floor, default 1e-9. */
  readonly abs?: number
  /** Relative part, default 1e-9. */
  readonly rel?: number
  /** Prefix for failure messages, e.g. `"btcusdt RSI.outReal"`. */
  readonly label?: string
}

export interface Deviation {
  /** Largest |actual - expected| over the compared (non-null) positions. */
  readonly maxAbs: number
  /** Index where `maxAbs` occurs (-1 if nothing was compared). */
  readonly atIndex: number
  /** Number of positions where actual and expected are bit-identical. */
  readonly exact: number
  /** Number of non-null positions compared. */
  readonly compared: number
}

/** Measures the deviation without asserting anything (NaN where expected is non-null counts as Infinity). */
export const deviation = (actual: ArrayLike<number>, expected: ReadonlyArray<number | null>): Deviation => {
  let maxAbs = 0
  let atIndex = -1
  let exact = 0
  let compared = 0
  for (let i = 0; i < expected.length; i++) {
    const b = expected[i]
    if (b === null || b === undefined) continue
    compared++
    const a = actual[i]!
    const d = Number.isNaN(a) ? Infinity : Math.abs(a - b)
    if (a === b) exact++
    if (d > maxAbs || atIndex < 0) {
      maxAbs = d
      atIndex = i
    }
  }
  return { maxAbs, atIndex, exact, compared }
}

/**
 * Asserts `actual` is NaN exactly where TA-Lib produced nothing (`null`) and within
 * `abs + rel*|expected|` (default 1e-9 + 1e-9·|b|) everywhere else. Throws on the first mismatch,
 * naming the index. Returns the measured deviation so tests can report bit-exactness.
 */
export const expectMatchesTalib = (
  actual: ArrayLike<number>,
  expected: ReadonlyArray<number | null>,
  tol: Tolerance = {},
): Deviation => {
  const abs = tol.abs ?? 1e-9
  const rel = tol.rel ?? 1e-9
  const label = tol.label ? `${tol.label}: ` : ""
  if (actual.length !== expected.length) {
    throw new Error(`${label}length ${actual.length}, TA-Lib has ${expected.length}`)
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const b = expected[i]
    if (b === null || b === undefined) {
      if (!Number.isNaN(a)) throw new Error(`${label}index ${i}: expected NaN (TA-Lib warm-up), got ${a}`)
      continue
    }
    if (Number.isNaN(a)) throw new Error(`${label}index ${i}: got NaN, TA-Lib has ${b}`)
    const d = Math.abs(a - b)
    if (!(d <= abs + rel * Math.abs(b))) {
      throw new Error(`${label}index ${i}: got ${a}, TA-Lib has ${b} (|Δ| = ${d}, allowed ${abs + rel * Math.abs(b)})`)
    }
  }
  return deviation(actual, expected)
}

export interface TalibCase {
  readonly spec: FunctionSpec
  /** Our options object (catalogue parameter names) built from the fixture's `optIn*` values. */
  readonly options: Record<string, number>
  /** TA-Lib outputs keyed by OUR output names (`real`, `macd`, `upper`, `k`, `down`, ...). */
  readonly expected: Readonly<Record<string, ReadonlyArray<number | null>>>
  /** The input columns in the function's positional order. */
  readonly inputs: ReadonlyArray<Float64Array>
}

/**
 * The fixture run of one catalogue function (`"plusDi"` or `"PLUS_DI"`), translated to our names.
 * MA-type options must be 0 (SMA), the only type `core/ta` supports.
 */
export const talibCase = (fixture: Fixture, name: string): TalibCase => {
  const spec = specOf(name)
  const run = spec.talib ? fixture.talib[spec.talib] : undefined
  if (!spec.talib || !run) throw new Error(`fixture ${fixture.symbol} has no TA-Lib run for ${name}`)
  const options: Record<string, number> = {}
  for (const [talibName, value] of Object.entries(run.params)) {
    if (talibName.endsWith("MAType")) {
      if (value !== 0) throw new Error(`${spec.talib}: only MA type 0 (SMA) is supported, fixture has ${value}`)
      continue
    }
    const p = spec.params.find((q) => q.talib === talibName)
    if (!p) throw new Error(`${spec.talib}: fixture parameter ${talibName} is not in the catalogue`)
    options[p.name] = value
  }
  const expected: Record<string, ReadonlyArray<number | null>> = {}
  spec.outputs.forEach((out, i) => {
    const values = run.outputs[spec.talibOutputs[i]!]
    if (!values) throw new Error(`${spec.talib}: fixture has no output ${spec.talibOutputs[i]}`)
    expected[out] = values
  })
  const inputs = spec.inputs.map((c) => fixture.candles[c])
  return { spec, options, expected, inputs }
}

/**
 * The tolerance to use for one TA-Lib output: 1e-9 (+1e-9 relative) everywhere,
 * except BBANDS upper/lower, where an implementation that does not use TA-Lib's running
 * `E[x²] − mean²` (e.g. a two-pass or SIMD-reordered deviation) unavoidably differs by up to
 * ~1e-7 on BTC-sized prices (fixture README, "Tolerances"): 1e-6 absolute there. The TS reference
 * needs no allowance at all (it is bit-identical).
 */
export const talibTolerance = (talib: string, output: string): Tolerance =>
  talib === "BBANDS" && output !== "outRealMiddleBand" && output !== "middle" ? { abs: 1e-6 } : {}
