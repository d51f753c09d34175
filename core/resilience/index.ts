/**
 * @module Resilience: circuit breakers, retry schedules, timeouts, bulkheads, rate budgets, a
 * stale-while-error cache and the one classification of exchange failures.
 */
export * from "./breaker-policy.ts"
export * from "./breaker-state.ts"
export * from "./bulkhead.ts"
export * from "./circuit-breaker.ts"
export * from "./errors.ts"
export * from "./exchange-error.ts"
export * from "./classify-exchange-error.ts"
export * from "./exchange-guard.ts"
export * from "./rate-budget.ts"
export * from "./resilient-cache.ts"
export * from "./retry.ts"
export * from "./timeout.ts"
export * from "./metrics.ts"
export * from "./describe-failure.ts"
export * from "./log-digest.ts"
