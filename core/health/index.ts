/**
 * @module Health: the registry of real checks, live/ready, memory watchdog, data staleness.
 */
export * from "./checks.ts"
export * from "./health-registry.ts"
export * from "./memory-watchdog.ts"
export * from "./schema.ts"
export * from "./staleness.ts"
