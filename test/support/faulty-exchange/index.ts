export * from "./drive.ts"
export * from "./faulty-exchange.ts"
