/**
 * @module The foundation every layer above shares: market data shapes, the timeframe table and
 * the confluence components with their default weights.
 */
export * from "./components.ts"
export * from "./market-schema.ts"
export * from "./timeframes.ts"
export * from "./trade-batch.ts"
