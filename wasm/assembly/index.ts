// Entry point of the kernel module: re-exports every kernel family. Everything here takes raw
// pointers into the host-managed arena (core/wasm); nothing allocates.
export { heapBase, moveF64 } from "./memory"
export { sma, ema, wma, dema, tema, kama } from "./averages"
export { rsiExact, rsi, macd, stochRsi, roc, mom } from "./oscillators"
export { stoch, willr, cci, ultosc } from "./ranges"
export { trange, atr, bbands, stddev } from "./volatility"
export { dmi, aroon, sar } from "./trend"
export { obv, ad, adosc, mfi, vwap } from "./volume"
export { weightedMean, weightedRows } from "./confluence"
export { foldScores } from "./confluence-batch"
export { engineCompute, engineFlush, enginePendingRows } from "./engine"

export function version(): i32 { return 1 }
