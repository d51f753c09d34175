import { describe, expect, test } from "bun:test"
import { BreakerState, type CircuitChange, Permit } from "../../../core/resilience/index.ts"

const fail = (b: BreakerState, now: number, n: number) => {
  for (let i = 0; i < n; i++) {
    const p = b.allow(now)
    if (p) b.onFailure(now, p)
  }
}

describe("BreakerState (sync machine)", () => {
  test("exchange preset: opens after 5 consecutive failures, half-opens after 60 s, closes after 3 probes", () => {
    const changes: Array<CircuitChange> = []
    const b = new BreakerState({ name: "ex", onStateChange: (c) => changes.push(c) })
    fail(b, 0, 4)
    expect(b.state).toBe("closed")
    b.onSuccess(0, b.allow(0)) // a success resets the consecutive count
    fail(b, 1, 4)
    expect(b.state).toBe("closed")
    fail(b, 2, 1)
    expect(b.state).toBe("open")
    expect(changes[0]).toMatchObject({
      name: "ex",
      from: "closed",
      to: "open",
      reason: "5 consecutive failures",
      at: 2,
    })
    expect(b.allow(59_999)).toBe(Permit.Rejected)
    expect(b.retryAfterMs(59_999)).toBe(3)
    expect(b.stateAt(60_002)).toBe("half-open")
    const p1 = b.allow(60_002)
    expect(p1).toBe(Permit.Probe)
    expect(b.state).toBe("half-open")
    // limited probes: only one in flight by default
    expect(b.allow(60_002)).toBe(Permit.Rejected)
    b.onSuccess(60_003, p1)
    b.onSuccess(60_004, b.allow(60_004))
    expect(b.state).toBe("half-open")
    b.onSuccess(60_005, b.allow(60_005))
    expect(b.state).toBe("closed")
    expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual(["closed>open", "open>half-open", "half-open>closed"])
    expect(changes[2].reason).toBe("3 probe calls succeeded")
  })

  test("a failed probe reopens for another full period", () => {
    const b = new BreakerState({ name: "ex", openMs: 1000, halfOpenMaxProbes: 2 })
    fail(b, 0, 5)
    const p = b.allow(1000)
    const q = b.allow(1000)
    expect([p, q]).toEqual([Permit.Probe, Permit.Probe])
    expect(b.allow(1000)).toBe(Permit.Rejected)
    b.onFailure(1001, p)
    expect(b.state).toBe("open")
    expect(b.lastReason).toBe("a half-open probe call failed")
    b.onSuccess(1002, q) // late result of the other probe: ignored
    expect(b.state).toBe("open")
    expect(b.allow(2000)).toBe(Permit.Rejected)
    expect(b.allow(2001)).toBe(Permit.Probe)
  })

  test("failure-rate policy over a sliding window with minimum calls", () => {
    const b = new BreakerState({
      name: "rate",
      policy: { _tag: "FailureRate", rate: 0.5, windowMs: 10_000, minimumCalls: 10 },
    })
    // 4 failures out of 8: below minimum calls
    for (let i = 0; i < 8; i++) {
      const p = b.allow(i)
      if (i % 2 === 0) b.onFailure(i, p)
      else b.onSuccess(i, p)
    }
    expect(b.state).toBe("closed")
    // old calls slide out: after 20 s the window is empty again
    for (let i = 0; i < 4; i++) b.onSuccess(20_000, b.allow(20_000))
    fail(b, 20_001, 3)
    expect(b.state).toBe("closed") // 3/7, below minimum calls
    fail(b, 20_002, 3)
    expect(b.state).toBe("open") // 6/10 = 60 % >= 50 %
    expect(b.lastReason).toBe("failure rate 60% over 10 calls in 10000 ms")
  })

  test("isolate holds it open until reset", () => {
    const b = new BreakerState({ name: "plugin:x", openMs: 10 })
    b.isolate(0, "plugin threw 3 times")
    expect(b.allow(1_000_000)).toBe(Permit.Rejected)
    expect(b.snapshot(5).isolated).toBe(true)
    expect(b.snapshot(5).nextProbeAt).toBeUndefined()
    b.reset(10)
    expect(b.allow(10)).toBe(Permit.Call)
  })

  test("results of calls admitted before the circuit opened do not count as probes", () => {
    const b = new BreakerState({ name: "ex", openMs: 100 })
    const early = b.allow(0)
    fail(b, 0, 5)
    b.allow(100) // half-open now, one probe in flight
    b.onSuccess(101, early) // stale closed-era success
    expect(b.state).toBe("half-open")
    expect(b.allow(101)).toBe(Permit.Rejected) // still exactly one probe slot in use
  })

  test("a throwing listener does not break the machine", () => {
    const b = new BreakerState({
      name: "ex",
      onStateChange: () => {
        throw new Error("listener bug")
      },
    })
    fail(b, 0, 5)
    expect(b.state).toBe("open")
    expect(b.snapshot(0).listenerErrors).toBe(1)
  })
})
