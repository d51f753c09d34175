/**
 * @module What a circuit breaker is configured with and reports: its states, trip policies,
 * options and presets (exchange, plugin, handler), the permit `allow` hands out and the
 * snapshot. The machine that uses them is `breaker-state.ts`.
 */

export type CircuitState = "closed" | "open" | "half-open"

/** Trip after N consecutive failures. */
interface ConsecutiveFailuresPolicy {
  readonly _tag: "ConsecutiveFailures"
  readonly threshold: number
}
/** Trip when failures / calls >= rate over the last `windowMs`, once `minimumCalls` were seen. */
export interface FailureRatePolicy {
  readonly _tag: "FailureRate"
  readonly rate: number
  readonly windowMs: number
  readonly minimumCalls: number
  /** Resolution of the sliding window (default 10 buckets). */
  readonly buckets?: number
}
export type TripPolicy = ConsecutiveFailuresPolicy | FailureRatePolicy

export interface CircuitChange {
  readonly name: string
  readonly from: CircuitState
  readonly to: CircuitState
  readonly reason: string
  readonly at: number
}

export interface BreakerOptions {
  readonly name: string
  /** One policy or several (any one trips). Default: 5 consecutive failures. */
  readonly policy?: TripPolicy | ReadonlyArray<TripPolicy>
  /** How long OPEN lasts before probes are allowed. Default 60 s. */
  readonly openMs?: number
  /** Probe successes needed in HALF-OPEN to close. Default 3. */
  readonly halfOpenSuccesses?: number
  /** Probes allowed in flight at once in HALF-OPEN. Default 1. */
  readonly halfOpenMaxProbes?: number
  /** Per-call time limit used by the Effect combinator. Default 30 s; 0 = none. */
  readonly callTimeoutMs?: number
  /** Called synchronously on every transition (wire the event bus here: `circuit.changed`). */
  readonly onStateChange?: (change: CircuitChange) => void
}

/** The exchange preset: 5 failures, 60 s open, 3 successes, 30 s timeout. */
export const EXCHANGE_PRESET = {
  policy: { _tag: "ConsecutiveFailures", threshold: 5 },
  openMs: 60_000,
  halfOpenSuccesses: 3,
  halfOpenMaxProbes: 1,
  callTimeoutMs: 30_000,
} as const satisfies Omit<BreakerOptions, "name">

/**
 * Plugin calls: plain functions in the analysis loop; the plugin host times them itself (a call
 * is synchronous, nothing to interrupt), so no call timeout. 3 strikes, 30 s out, 1 good probe.
 */
export const PLUGIN_PRESET = {
  policy: { _tag: "ConsecutiveFailures", threshold: 3 },
  openMs: 30_000,
  halfOpenSuccesses: 1,
  halfOpenMaxProbes: 1,
  callTimeoutMs: 0,
} as const satisfies Omit<BreakerOptions, "name">

/** Event handlers: 5 consecutive failures, 30 s open, 2 probes to close, 10 s per handler call. */
export const HANDLER_PRESET = {
  policy: { _tag: "ConsecutiveFailures", threshold: 5 },
  openMs: 30_000,
  halfOpenSuccesses: 2,
  halfOpenMaxProbes: 1,
  callTimeoutMs: 10_000,
} as const satisfies Omit<BreakerOptions, "name">

/** What `allow` hands out: 0 = rejected (falsy), 1 = ordinary call, 2 = half-open probe. */
export const Permit = { Rejected: 0, Call: 1, Probe: 2 } as const
export type Permit = (typeof Permit)[keyof typeof Permit]

export interface BreakerSnapshot {
  readonly name: string
  readonly state: CircuitState
  readonly isolated: boolean
  readonly consecutiveFailures: number
  readonly windowCalls: number
  readonly windowFailures: number
  readonly calls: number
  readonly successes: number
  readonly failures: number
  readonly rejected: number
  readonly transitions: number
  readonly listenerErrors: number
  readonly openedAt: number | undefined
  /** When OPEN: earliest time a probe is allowed (undefined while isolated). */
  readonly nextProbeAt: number | undefined
  readonly lastReason: string | undefined
}
