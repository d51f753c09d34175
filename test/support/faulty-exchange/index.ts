export * from "./drive.ts"
export * from "./faulty-exchange.ts"
export * from "./per-file.ts"
