/**
 * @module `core/ta`: TA-Lib-compatible indicators over Float64Arrays, computed in WASM.
 * Inputs are positional Float64Arrays, then an optional options object (TA-Lib defaults). Every
 * output has the input's length, NaN in warm-up; multi-output functions return named arrays.
 * Bad parameters or inputs of different lengths throw RangeError. Inputs that are resident views
 * (e.g. `ResidentEngine.columns`) are read in place; others are copied into WASM memory once.
 * Outputs are fresh arrays; `last.<fn>(...)` returns only the final value(s) without copying an
 * output out. For the live multi-symbol path use `makeResidentEngine`.
 */
export { sma, ema, wma, dema, tema, kama } from "./wasm/averages.ts"
export { rsi, macd, stochRsi, roc, mom } from "./wasm/oscillators.ts"
export { weightedMean, weightedRows } from "./wasm/confluence.ts"
export { last, type LastFunctions } from "./wasm/last.ts"
export { stoch, willr, cci, ultosc } from "./wasm/ranges.ts"
export { trange, atr, natr, bbands, stddev } from "./wasm/volatility.ts"
export { adx, plusDi, minusDi, aroon, sar } from "./wasm/trend.ts"
export { obv, ad, adosc, mfi, vwap } from "./wasm/volume.ts"
export type {
  PeriodOptions,
  BbandsOptions,
  StddevOptions,
  MacdOptions,
  StochOptions,
  StochRsiOptions,
  UltoscOptions,
  AdoscOptions,
  SarOptions,
  MacdResult,
  BbandsResult,
  StochResult,
  AroonResult,
} from "./catalog.ts"
export {
  makeResidentEngine,
  ENGINE_FUNCTIONS,
  FULL_SET,
  type ResidentEngine,
  type ResidentEngineOptions,
  type SeriesId,
  type CandleColumns,
  type IndicatorConfig,
  type IndicatorSet,
} from "./engine/index.ts"
