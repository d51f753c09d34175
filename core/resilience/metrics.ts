/**
 * @module Resilience metrics as scrape-time samples for `core/metrics` (`Metrics.registerCollector`).
 * Labels are bounded: breaker names are endpoint/handler/plugin names, caches and exchanges
 * are configured sets.
 *
 * @example
 * yield* metrics.registerCollector("resilience", Effect.map(breakers.snapshot, (b) =>
 *   resilienceSamples({ breakers: b, caches: [tickers.stats()], bulkheads: [guard.bulkhead.stats()], budgets: [guard.budget.stats()] })))
 */
import type { Sample } from "../metrics/index.ts"
import type { BreakerSnapshot, CircuitState } from "./breaker-state.ts"
import type { BulkheadStats } from "./bulkhead.ts"
import type { RateBudgetStats } from "./rate-budget.ts"
import type { CacheStats } from "./resilient-cache.ts"

const STATES: ReadonlyArray<CircuitState> = ["closed", "open", "half-open"]

export interface ResilienceStats {
  readonly breakers?: ReadonlyArray<BreakerSnapshot>
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
  for (const b of stats.breakers ?? []) {
    const l = { name: b.name }
    for (const s of STATES) gauge("virtuoso_circuit_state", "1 for the circuit's current state, by breaker and state.", b.state === s ? 1 : 0, { ...l, state: s })
    counter("virtuoso_circuit_calls_total", "Calls admitted by the breaker.", b.calls, l)
    counter("virtuoso_circuit_failures_total", "Admitted calls that failed.", b.failures, l)
    counter("virtuoso_circuit_rejected_total", "Calls rejected because the circuit was open or out of probes.", b.rejected, l)
    counter("virtuoso_circuit_transitions_total", "State transitions of the breaker.", b.transitions, l)
  }
  for (const c of stats.caches ?? []) {
    const l = { cache: c.name }
    counter("virtuoso_cache_hits_total", "Fresh cache hits.", c.hits, l)
    counter("virtuoso_cache_misses_total", "Lookups that went to the source.", c.misses, l)
    counter("virtuoso_cache_stale_total", "Stale values served because the source failed.", c.stale, l)
    counter("virtuoso_cache_evictions_total", "Entries evicted by the size bound.", c.evictions, l)
    gauge("virtuoso_cache_entries", "Entries held.", c.size, l)
  }
  for (const b of stats.bulkheads ?? []) {
    const l = { exchange: b.name }
    gauge("virtuoso_bulkhead_active", "Calls in flight.", b.active, l)
    gauge("virtuoso_bulkhead_queued", "Calls waiting for a slot.", b.queued, l)
    counter("virtuoso_bulkhead_rejected_total", "Calls rejected because the queue was full.", b.rejected, l)
  }
  for (const r of stats.budgets ?? []) {
    const l = { exchange: r.name }
    gauge("virtuoso_rate_budget_tokens", "Request tokens available (negative = reserved ahead).", r.tokens, l)
    counter("virtuoso_rate_budget_waits_total", "Calls that had to wait for the rate budget.", r.waited, l)
    counter("virtuoso_rate_budget_rejected_total", "Calls refused because the wait exceeded their limit.", r.rejected, l)
  }
  return out
}
