/**
 * @module Resilience metrics as scrape-time samples for `core/metrics` (`Metrics.registerCollector`):
 * caches, bulkheads and rate budgets. (Breaker samples are `core/metrics`' `breakerSamples`,
 * over `CircuitBreakers.snapshot`.) Labels are bounded: cache names and exchange ids are configured.
 *
 * @example
 * yield* metrics.registerCollector("resilience", Effect.sync(() =>
 * resilienceSamples({ caches: [tickers.stats()], bulkheads: [guard.bulkhead.stats()], budgets: [guard.budget.stats()]
 * })))
 */
import type { Sample } from "../metrics/index.ts"
import type { BulkheadStats } from "./bulkhead.ts"
import type { RateBudgetStats } from "./rate-budget.ts"
import type { CacheStats } from "./resilient-cache.ts"

export interface ResilienceStats {
  readonly caches?: ReadonlyArray<CacheStats>
  readonly bulkheads?: ReadonlyArray<BulkheadStats>
  readonly budgets?: ReadonlyArray<RateBudgetStats>
}

export const resilienceSamples = (stats: ResilienceStats): Array<Sample> => {
  const out: Array<Sample> = []
  const counter = (name: string, help: string, value: number, labels: Record<string, string>) =>
    out.push({ name, type: "counter", help, value, labels })
  const gauge = (name: string, help: string, value: number, labels: Record<string, string>) =>
    out.push({ name, type: "gauge", help, value, labels })
  for (const c of stats.caches ?? []) {
    const l = { cache: c.name }
    counter("virtuoso_resilience_cache_hits_total", "Fresh cache hits.", c.hits, l)
    counter("virtuoso_resilience_cache_misses_total", "Lookups that went to the source.", c.misses, l)
    counter("virtuoso_resilience_cache_stale_total", "Stale values served because the source failed.", c.stale, l)
    counter("virtuoso_resilience_cache_evictions_total", "Entries evicted by the size bound.", c.evictions, l)
    gauge("virtuoso_resilience_cache_entries", "Entries held.", c.size, l)
  }
  for (const b of stats.bulkheads ?? []) {
    const l = { exchange: b.name }
    gauge("virtuoso_resilience_bulkhead_active", "Calls in flight.", b.active, l)
    gauge("virtuoso_resilience_bulkhead_queued", "Calls waiting for a slot.", b.queued, l)
    counter("virtuoso_resilience_bulkhead_rejected_total", "Calls rejected because the queue was full.", b.rejected, l)
  }
  for (const r of stats.budgets ?? []) {
    const l = { exchange: r.name }
    gauge(
      "virtuoso_resilience_rate_budget_tokens",
      "Request tokens available (negative = reserved ahead).",
      r.tokens,
      l,
    )
    counter("virtuoso_resilience_rate_budget_waits_total", "Calls that had to wait for the rate budget.", r.waited, l)
    counter(
      "virtuoso_resilience_rate_budget_rejected_total",
      "Calls refused because the wait exceeded their limit.",
      r.rejected,
      l,
    )
  }
  return out
}
