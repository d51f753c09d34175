/**
 * @module How a plugin declares the indicator inputs it needs (part of the SDK, `virtuoso/sdk`).
 *
 * A declaration is plain data — a `core/ta` function name, its options, which output and how
 * much history — so the host can compute it anywhere (the resident WASM engine, one state per
 * series) and hand the plugin plain numbers and small typed arrays that can cross to a worker.
 * Two plugins declaring the same function with the same options share one computation.
 */
import type {
  AdoscOptions,
  BbandsOptions,
  MacdOptions,
  PeriodOptions,
  SarOptions,
  StddevOptions,
  StochOptions,
  StochRsiOptions,
  UltoscOptions,
} from "../../ta/catalog.ts"

export interface InputOptions {
  /** Which output of a multi-output function (`macd`: "macd" | "signal" | "hist"); default the first. */
  readonly output?: string
  /**
   * Also hand over the newest `history` values, oldest first, as `ctx.history[name]` (fewer while
   * the series is shorter; NaN in warm-up). Without it only `ctx.inputs[name]` (the newest value).
   */
  readonly history?: number
}

/** One declared input: a `core/ta` function with its options (TA-Lib defaults for the rest). */
export interface InputDeclaration extends InputOptions {
  readonly fn: string
  readonly params?: Readonly<Record<string, number>>
}

export type InputDeclarations = Readonly<Record<string, InputDeclaration>>

/**
 * A plugin's `inputs`: the declarations, or a function of the plugin's resolved params (so a
 * configured `period` reaches the declared RSI). The function runs once per load, not per call.
 */
export type InputsDeclaration<P> = InputDeclarations | ((params: P) => InputDeclarations)

const decl =
  <O extends object>(fn: string) =>
  (params?: O, options: InputOptions = {}): InputDeclaration => ({
    fn,
    ...(params === undefined ? {} : { params: params as Readonly<Record<string, number>> }),
    ...options,
  })

/** Builders for every function the resident engine computes, named as in `core/ta`. */
export const input = {
  sma: decl<PeriodOptions>("sma"),
  ema: decl<PeriodOptions>("ema"),
  wma: decl<PeriodOptions>("wma"),
  dema: decl<PeriodOptions>("dema"),
  tema: decl<PeriodOptions>("tema"),
  kama: decl<PeriodOptions>("kama"),
  rsi: decl<PeriodOptions>("rsi"),
  macd: decl<MacdOptions>("macd"),
  stochRsi: decl<StochRsiOptions>("stochRsi"),
  roc: decl<PeriodOptions>("roc"),
  mom: decl<PeriodOptions>("mom"),
  trange: decl<Record<string, never>>("trange"),
  atr: decl<PeriodOptions>("atr"),
  natr: decl<PeriodOptions>("natr"),
  bbands: decl<BbandsOptions>("bbands"),
  stddev: decl<StddevOptions>("stddev"),
  adx: decl<PeriodOptions>("adx"),
  plusDi: decl<PeriodOptions>("plusDi"),
  minusDi: decl<PeriodOptions>("minusDi"),
  aroon: decl<PeriodOptions>("aroon"),
  sar: decl<SarOptions>("sar"),
  obv: decl<Record<string, never>>("obv"),
  ad: decl<Record<string, never>>("ad"),
  adosc: decl<AdoscOptions>("adosc"),
  mfi: decl<PeriodOptions>("mfi"),
  vwap: decl<PeriodOptions>("vwap"),
  stoch: decl<StochOptions>("stoch"),
  willr: decl<PeriodOptions>("willr"),
  cci: decl<PeriodOptions>("cci"),
  ultosc: decl<UltoscOptions>("ultosc"),
} as const

/** What a plugin with declared inputs receives next to `candles`; both empty for a plugin without. */
export interface InputValues {
  /** Newest value of each declared input (NaN in warm-up). */
  readonly inputs: Readonly<Record<string, number>>
  /**
   * The declared history of each input that asked for one, oldest first. Like `inputs`, the
   * host's own object, refreshed in place when the series moves on: copy what you keep.
   */
  readonly history: Readonly<Record<string, Float64Array>>
}
