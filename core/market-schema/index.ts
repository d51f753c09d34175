/** @module Market data shapes and the timeframe table: the foundation every layer above shares. */
export * from "./market-schema.ts"
