/**
 * @module The indicator catalogue: every `core/ta` function described as data — TA-Lib name,
 * inputs, parameters (TA-Lib defaults and limits), outputs and lookback. The CLI, tests and both
 * implementations (WASM kernels, the TS reference in test/support) look functions up here by name, so this file
 * imports no implementation.
 *
 * Conventions shared by every function:
 * - inputs are positional `Float64Array`s (order as in `inputs`), then an optional options object;
 * - every output has the input's length, `NaN` at the first `lookback(params)` positions;
 * - one output → a `Float64Array`; several → an object of arrays named as in `outputs`;
 * - parameter limits are TA-Lib's (e.g. SMA period 2..100000); a value outside them, a
 *   non-integer period, an unknown option or inputs of different lengths throw a `RangeError`;
 * - moving-average types: only SMA (TA-Lib MA type 0) is supported where TA-Lib takes one
 *   (BBANDS middle band, STOCH slow %K/%D, STOCHRSI fast %D).
 *
 * Deliberate differences from TA-Lib, both only at period 1: NATR(1) is 100·TR/close (TA-Lib
 * returns the plain true range there) and PLUS_DI/MINUS_DI(1) stay on the 0..100 scale (TA-Lib
 * returns DM/TR unscaled). Everywhere else results are TA-Lib's, bit for bit in the TS reference.
 */

export type InputName = "open" | "high" | "low" | "close" | "volume"

export interface ParamSpec {
  readonly name: string
  /** TA-Lib optional-input name, e.g. `"optInTimePeriod"` (absent for non-TA-Lib functions). */
  readonly talib?: string
  readonly default: number
  readonly min: number
  readonly max: number
  readonly integer: boolean
  readonly description: string
}

export interface FunctionSpec {
  /** Our name, as exported by `core/ta` (`plusDi`). */
  readonly name: string
  /** TA-Lib function name (`PLUS_DI`); `null` for functions TA-Lib does not have (VWAP). */
  readonly talib: string | null
  readonly group: "averages" | "oscillators" | "volatility" | "volume" | "trend"
  readonly description: string
  readonly inputs: ReadonlyArray<InputName>
  readonly params: ReadonlyArray<ParamSpec>
  /** `["real"]` for single-output functions, else the keys of the returned object. */
  readonly outputs: ReadonlyArray<string>
  /** TA-Lib output names in the same order as `outputs` (`outMACD`, ...). */
  readonly talibOutputs: ReadonlyArray<string>
  /** Index of the first non-NaN output for these (resolved) parameters. */
  readonly lookback: (params: Readonly<Record<string, number>>) => number
}

const MAX_PERIOD = 100_000
/** TA-Lib's TA_REAL_MAX bound for real-valued options. */
const REAL_MAX = 3e37

const period = (
  def: number,
  min: number,
  description: string,
  name = "period",
  talib = "optInTimePeriod",
): ParamSpec => ({
  name,
  talib,
  default: def,
  min,
  max: MAX_PERIOD,
  integer: true,
  description,
})

const real = (name: string, talib: string, def: number, min: number, description: string): ParamSpec => ({
  name,
  talib,
  default: def,
  min,
  max: REAL_MAX,
  integer: false,
  description,
})

const single = ["real"] as const
const outReal = ["outReal"] as const
const HLC: ReadonlyArray<InputName> = ["high", "low", "close"]
const HLCV: ReadonlyArray<InputName> = ["high", "low", "close", "volume"]
const C: ReadonlyArray<InputName> = ["close"]

const specs: ReadonlyArray<FunctionSpec> = [
  // ── averages ──────────────────────────────────────────────────────────────────────────────
  {
    name: "sma",
    talib: "SMA",
    group: "averages",
    description: "Simple moving average",
    inputs: C,
    params: [period(30, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period! - 1,
  },
  {
    name: "ema",
    talib: "EMA",
    group: "averages",
    description: "Exponential moving average, k = 2/(N+1), seeded with the SMA of the first N values",
    inputs: C,
    params: [period(30, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period! - 1,
  },
  {
    name: "wma",
    talib: "WMA",
    group: "averages",
    description: "Linearly weighted moving average (weights 1..N, newest N)",
    inputs: C,
    params: [period(30, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period! - 1,
  },
  {
    name: "dema",
    talib: "DEMA",
    group: "averages",
    description: "Double EMA: 2·EMA − EMA(EMA)",
    inputs: C,
    params: [period(30, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => 2 * (p.period! - 1),
  },
  {
    name: "tema",
    talib: "TEMA",
    group: "averages",
    description: "Triple EMA: 3·E1 − 3·E2 + E3",
    inputs: C,
    params: [period(30, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => 3 * (p.period! - 1),
  },
  {
    name: "kama",
    talib: "KAMA",
    group: "averages",
    description: "Kaufman adaptive moving average (fast 2, slow 30 constants)",
    inputs: C,
    params: [period(30, 2, "efficiency-ratio window")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "bbands",
    talib: "BBANDS",
    group: "volatility",
    description: "Bollinger bands: SMA ± k·population std-dev",
    inputs: C,
    params: [
      period(5, 2, "window length"),
      real("nbDevUp", "optInNbDevUp", 2, -REAL_MAX, "std-dev multiplier for the upper band"),
      real("nbDevDn", "optInNbDevDn", 2, -REAL_MAX, "std-dev multiplier for the lower band"),
    ],
    outputs: ["upper", "middle", "lower"],
    talibOutputs: ["outRealUpperBand", "outRealMiddleBand", "outRealLowerBand"],
    lookback: (p) => p.period! - 1,
  },
  {
    name: "stddev",
    talib: "STDDEV",
    group: "volatility",
    description: "Rolling population standard deviation × nbDev",
    inputs: C,
    params: [period(5, 2, "window length"), real("nbDev", "optInNbDev", 1, -REAL_MAX, "multiplier")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period! - 1,
  },
  // ── oscillators ───────────────────────────────────────────────────────────────────────────
  {
    name: "rsi",
    talib: "RSI",
    group: "oscillators",
    description: "Relative strength index (Wilder), 0..100; 0 on a flat window",
    inputs: C,
    params: [period(14, 2, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "macd",
    talib: "MACD",
    group: "oscillators",
    description: "MACD line (fast EMA − slow EMA), its EMA signal line and histogram",
    inputs: C,
    params: [
      period(12, 2, "fast EMA period", "fastPeriod", "optInFastPeriod"),
      period(26, 2, "slow EMA period", "slowPeriod", "optInSlowPeriod"),
      period(9, 1, "signal EMA period", "signalPeriod", "optInSignalPeriod"),
    ],
    outputs: ["macd", "signal", "hist"],
    talibOutputs: ["outMACD", "outMACDSignal", "outMACDHist"],
    lookback: (p) => Math.max(p.fastPeriod!, p.slowPeriod!) - 1 + p.signalPeriod! - 1,
  },
  {
    name: "stoch",
    talib: "STOCH",
    group: "oscillators",
    description: "Slow stochastic: %K = SMA of raw %K, %D = SMA of %K; 0 when high == low",
    inputs: HLC,
    params: [
      period(5, 1, "raw %K window", "fastKPeriod", "optInFastK_Period"),
      period(3, 1, "slow %K SMA period", "slowKPeriod", "optInSlowK_Period"),
      period(3, 1, "slow %D SMA period", "slowDPeriod", "optInSlowD_Period"),
    ],
    outputs: ["k", "d"],
    talibOutputs: ["outSlowK", "outSlowD"],
    lookback: (p) => p.fastKPeriod! - 1 + p.slowKPeriod! - 1 + p.slowDPeriod! - 1,
  },
  {
    name: "stochRsi",
    talib: "STOCHRSI",
    group: "oscillators",
    description: "Stochastic of RSI: fast %K over RSI values, %D = SMA of %K",
    inputs: C,
    params: [
      period(14, 2, "RSI period"),
      period(5, 1, "%K window over RSI", "fastKPeriod", "optInFastK_Period"),
      period(3, 1, "%D SMA period", "fastDPeriod", "optInFastD_Period"),
    ],
    outputs: ["k", "d"],
    talibOutputs: ["outFastK", "outFastD"],
    lookback: (p) => p.period! + p.fastKPeriod! - 1 + p.fastDPeriod! - 1,
  },
  {
    name: "cci",
    talib: "CCI",
    group: "oscillators",
    description: "Commodity channel index over typical price",
    inputs: HLC,
    params: [period(14, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period! - 1,
  },
  {
    name: "willr",
    talib: "WILLR",
    group: "oscillators",
    description: "Williams %R, −100..0; 0 when high == low",
    inputs: HLC,
    params: [period(14, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period! - 1,
  },
  {
    name: "roc",
    talib: "ROC",
    group: "oscillators",
    description: "Rate of change: (close/close[n−N] − 1)·100",
    inputs: C,
    params: [period(10, 1, "look-back distance")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "mom",
    talib: "MOM",
    group: "oscillators",
    description: "Momentum: close − close[n−N]",
    inputs: C,
    params: [period(10, 1, "look-back distance")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "ultosc",
    talib: "ULTOSC",
    group: "oscillators",
    description: "Ultimate oscillator (weights 4/2/1, shortest period weighted most)",
    inputs: HLC,
    params: [
      period(7, 1, "short period", "period1", "optInTimePeriod1"),
      period(14, 1, "medium period", "period2", "optInTimePeriod2"),
      period(28, 1, "long period", "period3", "optInTimePeriod3"),
    ],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => Math.max(p.period1!, p.period2!, p.period3!),
  },
  // ── volatility ────────────────────────────────────────────────────────────────────────────
  {
    name: "trange",
    talib: "TRANGE",
    group: "volatility",
    description: "True range (needs the previous close: none at bar 0)",
    inputs: HLC,
    params: [],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 1,
  },
  {
    name: "atr",
    talib: "ATR",
    group: "volatility",
    description: "Average true range (Wilder)",
    inputs: HLC,
    params: [period(14, 1, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "natr",
    talib: "NATR",
    group: "volatility",
    description: "Normalized ATR: 100·ATR/close",
    inputs: HLC,
    params: [period(14, 1, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  // ── trend ─────────────────────────────────────────────────────────────────────────────────
  {
    name: "adx",
    talib: "ADX",
    group: "trend",
    description: "Average directional index (Wilder)",
    inputs: HLC,
    params: [period(14, 2, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => 2 * p.period! - 1,
  },
  {
    name: "plusDi",
    talib: "PLUS_DI",
    group: "trend",
    description: "Plus directional indicator (+DI)",
    inputs: HLC,
    params: [period(14, 1, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "minusDi",
    talib: "MINUS_DI",
    group: "trend",
    description: "Minus directional indicator (−DI)",
    inputs: HLC,
    params: [period(14, 1, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "aroon",
    talib: "AROON",
    group: "trend",
    description: "Aroon down/up over period+1 bars, ties to the most recent extreme",
    inputs: ["high", "low"],
    params: [period(14, 2, "window length")],
    outputs: ["down", "up"],
    talibOutputs: ["outAroonDown", "outAroonUp"],
    lookback: (p) => p.period!,
  },
  {
    name: "sar",
    talib: "SAR",
    group: "trend",
    description: "Parabolic SAR (stop and reverse)",
    inputs: ["high", "low"],
    params: [
      real("acceleration", "optInAcceleration", 0.02, 0, "acceleration factor step and start"),
      real("maximum", "optInMaximum", 0.2, 0, "acceleration factor cap"),
    ],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 1,
  },
  // ── volume ────────────────────────────────────────────────────────────────────────────────
  {
    name: "mfi",
    talib: "MFI",
    group: "volume",
    description: "Money flow index, 0..100; 0 if total flow < 1",
    inputs: HLCV,
    params: [period(14, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "obv",
    talib: "OBV",
    group: "volume",
    description: "On-balance volume, starting at volume[0]",
    inputs: ["close", "volume"],
    params: [],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 0,
  },
  {
    name: "ad",
    talib: "AD",
    group: "volume",
    description: "Chaikin accumulation/distribution line",
    inputs: HLCV,
    params: [],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 0,
  },
  {
    name: "adosc",
    talib: "ADOSC",
    group: "volume",
    description: "Chaikin A/D oscillator: EMA(fast) − EMA(slow) of AD, both seeded with AD[0]",
    inputs: HLCV,
    params: [
      period(3, 2, "fast EMA period", "fastPeriod", "optInFastPeriod"),
      period(10, 2, "slow EMA period", "slowPeriod", "optInSlowPeriod"),
    ],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => Math.max(p.fastPeriod!, p.slowPeriod!) - 1,
  },
  {
    name: "vwap",
    talib: null,
    group: "volume",
    description:
      "Volume-weighted average of typical price (H+L+C)/3: period 0 = cumulative from the first candle, N = rolling N candles; NaN while volume sum is 0",
    inputs: HLCV,
    params: [
      {
        name: "period",
        default: 0,
        min: 0,
        max: MAX_PERIOD,
        integer: true,
        description: "0 = cumulative, N = rolling window of N candles",
      },
    ],
    outputs: single,
    talibOutputs: [],
    lookback: (p) => (p.period! > 0 ? p.period! - 1 : 0),
  },
]

/** All functions, in catalogue order. */
export const FUNCTIONS: ReadonlyArray<FunctionSpec> = specs

const key = (name: string): string => name.toLowerCase().replace(/_/g, "")
const byKey = new Map<string, FunctionSpec>()
for (const s of specs) {
  byKey.set(key(s.name), s)
  if (s.talib) byKey.set(key(s.talib), s)
}

/** Finds a function by our name or TA-Lib name, case-insensitively (`PLUS_DI`, `plusDi`, `plusdi`). */
export const lookupFunction = (name: string): FunctionSpec | undefined => byKey.get(key(name))

/** Catalogue entry by exact name; throws if missing (a programming error). */
export const specOf = (name: string): FunctionSpec => {
  const s = lookupFunction(name)
  if (!s) throw new RangeError(`unknown indicator "${name}"`)
  return s
}

/** Range check and defaults for one function's options; throws `RangeError` naming the parameter. */
export const resolveParams = (
  spec: FunctionSpec,
  options?: Readonly<Record<string, number | undefined>>,
): Record<string, number> => {
  const out: Record<string, number> = {}
  if (options) {
    for (const k of Object.keys(options)) {
      if (options[k] !== undefined && !spec.params.some((p) => p.name === k)) {
        const valid = spec.params.map((p) => p.name).join(", ") || "none"
        throw new RangeError(`${spec.name}: unknown option "${k}" (valid: ${valid})`)
      }
    }
  }
  for (const p of spec.params) {
    const v = options?.[p.name] ?? p.default
    if (typeof v !== "number" || !Number.isFinite(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
      const kind = p.integer ? "an integer" : "a number"
      throw new RangeError(`${spec.name}: ${p.name} must be ${kind} in [${p.min}, ${p.max}], got ${String(v)}`)
    }
    out[p.name] = v
  }
  return out
}

/** Throws `RangeError` unless all inputs have the same length; returns that length. */
export const checkInputs = (spec: FunctionSpec, inputs: ReadonlyArray<ArrayLike<number>>): number => {
  const n = inputs[0]!.length
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i]!.length !== n) {
      throw new RangeError(
        `${spec.name}: input lengths differ (${spec.inputs[0]} has ${n}, ${spec.inputs[i]} has ${inputs[i]!.length})`,
      )
    }
  }
  return n
}

// ── option and result types shared by every implementation (TS reference, WASM) ──────────────
export interface PeriodOptions {
  readonly period?: number
}
export interface BbandsOptions {
  readonly period?: number
  readonly nbDevUp?: number
  readonly nbDevDn?: number
}
export interface StddevOptions {
  readonly period?: number
  readonly nbDev?: number
}
export interface MacdOptions {
  readonly fastPeriod?: number
  readonly slowPeriod?: number
  readonly signalPeriod?: number
}
export interface StochOptions {
  readonly fastKPeriod?: number
  readonly slowKPeriod?: number
  readonly slowDPeriod?: number
}
export interface StochRsiOptions {
  readonly period?: number
  readonly fastKPeriod?: number
  readonly fastDPeriod?: number
}
export interface UltoscOptions {
  readonly period1?: number
  readonly period2?: number
  readonly period3?: number
}
export interface AdoscOptions {
  readonly fastPeriod?: number
  readonly slowPeriod?: number
}
export interface SarOptions {
  readonly acceleration?: number
  readonly maximum?: number
}

export interface MacdResult {
  readonly macd: Float64Array
  readonly signal: Float64Array
  readonly hist: Float64Array
}
export interface BbandsResult {
  readonly upper: Float64Array
  readonly middle: Float64Array
  readonly lower: Float64Array
}
export interface StochResult {
  readonly k: Float64Array
  readonly d: Float64Array
}
export interface AroonResult {
  readonly down: Float64Array
  readonly up: Float64Array
}
