import { describe, expect, test } from "bun:test"
import { formatSamples, sampleProblem } from "../../../core/metrics/index.ts"
import { resilienceSamples } from "../../../core/resilience/index.ts"

describe("resilienceSamples", () => {
  test("valid Prometheus samples for caches, bulkheads and rate budgets", () => {
    const samples = resilienceSamples({
      caches: [{ name: "tickers", size: 2, hits: 5, misses: 2, stale: 1, loadErrors: 1, evictions: 0, coalesced: 0 }],
      bulkheads: [{ name: "binance", active: 1, queued: 0, rejected: 2, maxConcurrent: 4 }],
      budgets: [{ name: "binance", tokens: 3, granted: 9, waited: 1, rejected: 0, pausedUntil: 0 }],
    })
    expect(samples.map(sampleProblem).filter((p) => p !== undefined)).toEqual([])
    const text = formatSamples(samples)
    expect(text).toContain('virtuoso_resilience_cache_stale_total{cache="tickers"} 1')
    expect(text).toContain('virtuoso_resilience_bulkhead_rejected_total{exchange="binance"} 2')
    expect(text).toContain('virtuoso_resilience_rate_budget_tokens{exchange="binance"} 3')
    expect(resilienceSamples({})).toEqual([])
  })
})
