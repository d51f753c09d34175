/**
 * @module `core/ta`: TA-Lib-compatible indicators over Float64Arrays, computed in WASM.
 * Inputs are positional Float64Arrays, then an optional options object (TA-Lib defaults). Every
 * output has the input's length, NaN in warm-up; multi-output functions return named arrays.
 * Bad parameters or inputs of different lengths throw RangeError. Inputs that are resident views
 * (e.g. `ResidentEngine.columns`) are read in place; others are copied into WASM memory once.
 * Outputs are fresh arrays. For the live multi-symbol path use `makeResidentEngine`.
 */
export { sma, ema, wma, dema, tema, kama } from "./wasm/averages.ts"
export { rsi, macd, stochRsi, roc, mom } from "./wasm/oscillators.ts"
export { weightedMean, weightedRows } from "./wasm/confluence.ts"
// Interim until their WASM kernels land (next commits): the TA-Lib-exact TS reference.
export { stoch, cci, willr, ultosc, atr, bbands, natr, stddev, trange, adx, aroon, minusDi, plusDi, sar, ad, adosc, mfi, obv, vwap } from "./reference/index.ts"
export type {
  PeriodOptions, BbandsOptions, StddevOptions, MacdOptions, StochOptions, StochRsiOptions, UltoscOptions,
  AdoscOptions, SarOptions, MacdResult, BbandsResult, StochResult, AroonResult,
} from "./catalog.ts"
export {
  makeResidentEngine, ENGINE_FUNCTIONS,
  type ResidentEngine, type ResidentEngineOptions, type SeriesId, type CandleColumns, type IndicatorConfig, type IndicatorSet,
} from "./engine/index.ts"
