import { describe, expect, test } from "bun:test"
import { formatSamples, sampleProblem } from "../../../core/metrics/index.ts"
import { BreakerState, resilienceSamples } from "../../../core/resilience/index.ts"

describe("resilienceSamples", () => {
  test("valid Prometheus samples for breaker state and counters", () => {
    const b = new BreakerState({ name: "binance:fetchTicker" })
    for (let i = 0; i < 5; i++) b.onFailure(0, b.allow(0))
    b.allow(1)
    const samples = resilienceSamples({
      breakers: [b.snapshot(1)],
      caches: [{ name: "tickers", size: 2, hits: 5, misses: 2, stale: 1, loadErrors: 1, evictions: 0 }],
      bulkheads: [{ name: "binance", active: 1, queued: 0, rejected: 0, maxConcurrent: 4 }],
      budgets: [{ name: "binance", tokens: 3, granted: 9, waited: 1, rejected: 0, pausedUntil: 0 }],
    })
    expect(samples.map(sampleProblem).filter((p) => p !== undefined)).toEqual([])
    const open = samples.find((s) => s.name === "virtuoso_circuit_state" && s.labels?.state === "open")
    expect(open?.value).toBe(1)
    expect(samples.find((s) => s.name === "virtuoso_circuit_rejected_total")?.value).toBe(1)
    const text = formatSamples(samples)
    expect(text).toContain('virtuoso_circuit_state{name="binance:fetchTicker",state="open"} 1')
    expect(text).toContain('virtuoso_cache_stale_total{cache="tickers"} 1')
  })
})
