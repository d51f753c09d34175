/**
 * @module Plain-TypeScript reference implementation of every `core/ta` function, TA-Lib-exact.
 * Used by tests (WASM == TS) and benchmarks; same signatures as `core/ta`.
 */
export { dema, ema, kama, sma, tema, wma } from "./averages.ts"
export { cci, macd, rsi, stoch, stochRsi, willr } from "./oscillators.ts"
export { mom, roc, ultosc } from "./momentum.ts"
export { atr, bbands, natr, stddev, trange } from "./volatility.ts"
export { adx, aroon, minusDi, plusDi, sar } from "./trend.ts"
export { ad, adosc, mfi, obv, vwap } from "./volume.ts"
