export { MarketData, trackedSymbols, type MarketStats } from "./market-data.ts"

export * from "../market-schema/index.ts"

export { ResidentCandles } from "./resident-candles.ts"
export { SymbolShare } from "./symbol-share.ts"
export * from "./candles/index.ts"
export * from "./streams/index.ts"
export * from "./top-symbols/index.ts"
