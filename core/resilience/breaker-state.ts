/**
 * @module The circuit breaker's state machine: plain, synchronous, allocation-free on the
 * closed-state path, driven by the caller's clock (`now` in ms). Plugin calls are plain
 * functions in hot loops, so they use this directly; the Effect combinator in
 * `circuit-breaker.ts` drives the same machine with `Clock`.
 *
 *   CLOSED --(policy trips)--> OPEN --(openMs elapsed)--> HALF-OPEN --(N probe successes)--> CLOSED
 *                                ^                            |
 *                                +------(any probe fails)-----+
 *
 * Half-open admits at most `halfOpenMaxProbes` calls in flight, so a recovering exchange is
 * probed, not flooded. `isolate()` holds it OPEN until `reset()`.
 */

import {
  type BreakerOptions,
  type BreakerSnapshot,
  type CircuitChange,
  type CircuitState,
  EXCHANGE_PRESET,
  type FailureRatePolicy,
  Permit,
  type TripPolicy,
} from "./breaker-policy.ts"

interface RateWindow {
  readonly policy: FailureRatePolicy
  readonly bucketMs: number
  readonly starts: Float64Array
  readonly calls: Uint32Array
  readonly failures: Uint32Array
}

export class BreakerState {
  readonly name: string
  readonly openMs: number
  readonly halfOpenSuccesses: number
  readonly halfOpenMaxProbes: number
  readonly callTimeoutMs: number
  onStateChange: ((change: CircuitChange) => void) | undefined

  state: CircuitState = "closed"
  isolated = false
  consecutiveFailures = 0
  calls = 0
  successes = 0
  failures = 0
  rejected = 0
  transitions = 0
  listenerErrors = 0
  openedAt = -1
  lastReason: string | undefined = undefined

  private readonly consecutiveThreshold: number // Infinity when no such policy
  private readonly windows: ReadonlyArray<RateWindow>
  private probesInFlight = 0
  private probeSuccesses = 0

  constructor(options: BreakerOptions) {
    this.name = options.name
    this.openMs = options.openMs ?? EXCHANGE_PRESET.openMs
    this.halfOpenSuccesses = Math.max(1, options.halfOpenSuccesses ?? EXCHANGE_PRESET.halfOpenSuccesses)
    this.halfOpenMaxProbes = Math.max(1, options.halfOpenMaxProbes ?? EXCHANGE_PRESET.halfOpenMaxProbes)
    this.callTimeoutMs = options.callTimeoutMs ?? EXCHANGE_PRESET.callTimeoutMs
    this.onStateChange = options.onStateChange
    const raw = options.policy ?? EXCHANGE_PRESET.policy
    const policies: ReadonlyArray<TripPolicy> = Array.isArray(raw) ? raw : [raw as TripPolicy]
    let threshold = Infinity
    const windows: Array<RateWindow> = []
    for (const p of policies) {
      if (p._tag === "ConsecutiveFailures") threshold = Math.min(threshold, Math.max(1, p.threshold))
      else {
        const n = Math.max(1, p.buckets ?? 10)
        windows.push({
          policy: p,
          bucketMs: Math.max(1, p.windowMs / n),
          starts: new Float64Array(n).fill(-Infinity),
          calls: new Uint32Array(n),
          failures: new Uint32Array(n),
        })
      }
    }
    this.consecutiveThreshold = threshold
    this.windows = windows
  }

  /** May a call go ahead now? Returns a Permit (0 = no). Moves OPEN → HALF-OPEN when due. */
  allow(now: number): Permit {
    if (this.state === "closed") {
      this.calls++
      return Permit.Call
    }
    if (this.state === "open") {
      if (this.isolated || now < this.openedAt + this.openMs) {
        this.rejected++
        return Permit.Rejected
      }
      this.transition("half-open", now, `open for ${this.openMs} ms`)
    }
    if (this.probesInFlight >= this.halfOpenMaxProbes) {
      this.rejected++
      return Permit.Rejected
    }
    this.probesInFlight++
    this.calls++
    return Permit.Probe
  }

  /** The call admitted with `permit` succeeded. Omit `permit` to infer it from the state. */
  onSuccess(now: number, permit?: Permit): void {
    this.successes++
    const p = permit ?? (this.state === "half-open" ? Permit.Probe : Permit.Call)
    if (p === Permit.Probe) {
      if (this.state !== "half-open") return
      if (this.probesInFlight > 0) this.probesInFlight--
      if (++this.probeSuccesses >= this.halfOpenSuccesses) {
        this.transition("closed", now, `${this.probeSuccesses} probe calls succeeded`)
      }
      return
    }
    if (this.state !== "closed") return // a call started before the circuit opened
    this.consecutiveFailures = 0
    if (this.windows.length > 0) this.record(now, false)
  }

  /** The call admitted with `permit` failed. Omit `permit` to infer it from the state. */
  onFailure(now: number, permit?: Permit): void {
    this.failures++
    const p = permit ?? (this.state === "half-open" ? Permit.Probe : Permit.Call)
    if (p === Permit.Probe) {
      if (this.state !== "half-open") return
      this.transition("open", now, "a half-open probe call failed")
      return
    }
    if (this.state !== "closed") return
    this.consecutiveFailures++
    if (this.consecutiveFailures >= this.consecutiveThreshold) {
      this.transition("open", now, `${this.consecutiveFailures} consecutive failures`)
      return
    }
    if (this.windows.length > 0) {
      this.record(now, true)
      for (const w of this.windows) {
        const [calls, fails] = this.totals(w, now)
        if (calls >= w.policy.minimumCalls && fails / calls >= w.policy.rate) {
          const pct = Math.round((fails / calls) * 100)
          this.transition("open", now, `failure rate ${pct}% over ${calls} calls in ${w.policy.windowMs} ms`)
          return
        }
      }
    }
  }

  /** The admitted call ended without a verdict (interrupted): give the probe slot back. */
  release(permit: Permit): void {
    if (permit === Permit.Probe && this.state === "half-open" && this.probesInFlight > 0) this.probesInFlight--
  }

  /** Force OPEN and keep it there until `reset` (operator action or an isolated plugin). */
  isolate(now: number, reason = "isolated manually"): void {
    this.isolated = true
    if (this.state !== "open") this.transition("open", now, reason)
    else this.lastReason = reason
  }

  /** Force CLOSED and forget the failure history. */
  reset(now: number, reason = "reset manually"): void {
    this.isolated = false
    if (this.state !== "closed") this.transition("closed", now, reason)
    else this.clearCounts()
  }

  /** State as of `now` (an OPEN circuit whose period elapsed reports `half-open`). */
  stateAt(now: number): CircuitState {
    if (this.state === "open" && !this.isolated && now >= this.openedAt + this.openMs) return "half-open"
    return this.state
  }

  snapshot(now: number): BreakerSnapshot {
    let windowCalls = 0
    let windowFailures = 0
    for (const w of this.windows) {
      const [c, f] = this.totals(w, now)
      windowCalls = Math.max(windowCalls, c)
      windowFailures = Math.max(windowFailures, f)
    }
    const open = this.state === "open"
    return {
      name: this.name,
      state: this.stateAt(now),
      isolated: this.isolated,
      consecutiveFailures: this.consecutiveFailures,
      windowCalls,
      windowFailures,
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      rejected: this.rejected,
      transitions: this.transitions,
      listenerErrors: this.listenerErrors,
      openedAt: open ? this.openedAt : undefined,
      nextProbeAt: open && !this.isolated ? this.openedAt + this.openMs : undefined,
      lastReason: this.lastReason,
    }
  }

  /** ms until a probe is allowed, for `CircuitOpenError.retryAfterMs`. */
  retryAfterMs(now: number): number | undefined {
    if (this.state !== "open" || this.isolated) return undefined
    return Math.max(0, this.openedAt + this.openMs - now)
  }

  private transition(to: CircuitState, now: number, reason: string): void {
    const from = this.state
    this.state = to
    this.transitions++
    this.lastReason = reason
    this.probesInFlight = 0
    this.probeSuccesses = 0
    if (to === "open") this.openedAt = now
    if (to === "closed") this.clearCounts()
    const hook = this.onStateChange
    if (hook !== undefined) {
      // A throwing listener must not corrupt the machine or the caller's call.
      try {
        hook({ name: this.name, from, to, reason, at: now })
      } catch {
        this.listenerErrors++ // counted (and shown in the snapshot); the breaker keeps working
      }
    }
  }

  private clearCounts(): void {
    this.consecutiveFailures = 0
    for (const w of this.windows) {
      w.starts.fill(-Infinity)
      w.calls.fill(0)
      w.failures.fill(0)
    }
  }

  private record(now: number, failed: boolean): void {
    for (const w of this.windows) {
      const slot = Math.floor(now / w.bucketMs)
      const i = slot % w.starts.length
      const start = slot * w.bucketMs
      if (w.starts[i] !== start) {
        w.starts[i] = start
        w.calls[i] = 0
        w.failures[i] = 0
      }
      w.calls[i]++
      if (failed) w.failures[i]++
    }
  }

  private totals(w: RateWindow, now: number): [number, number] {
    const oldest = now - w.policy.windowMs
    let calls = 0
    let fails = 0
    for (let i = 0; i < w.starts.length; i++) {
      if (w.starts[i] > oldest) {
        calls += w.calls[i]
        fails += w.failures[i]
      }
    }
    return [calls, fails]
  }
}
