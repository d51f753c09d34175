/**
 * @module A small per-handler circuit breaker (closed → open after N consecutive failures →
 * half-open after a cool-down → closed on one success). Time is passed in so it stays pure;
 * the bus feeds it from `Clock`.
 */
export type CircuitState = "closed" | "open" | "half-open"

export interface BreakerOptions {
  /** Consecutive failures (after retries) that open the circuit. @default 5 */
  readonly failureThreshold?: number
  /** How long the circuit stays open before one trial call. @default 30_000 */
  readonly resetAfterMs?: number
}

export class HandlerBreaker {
  state: CircuitState = "closed"
  private failures = 0
  private openedAt = 0
  readonly threshold: number
  readonly resetAfterMs: number
  constructor(
    options: BreakerOptions | undefined,
    private readonly onChange: (state: CircuitState, previous: CircuitState) => void,
  ) {
    this.threshold = options?.failureThreshold ?? 5
    this.resetAfterMs = options?.resetAfterMs ?? 30_000
  }
  /** Whether a call may go through now; moves open → half-open once the cool-down passed. */
  allow(now: number): boolean {
    if (this.state === "closed" || this.state === "half-open") return true
    if (now - this.openedAt >= this.resetAfterMs) {
      this.transition("half-open")
      return true
    }
    return false
  }
  success(): void {
    this.failures = 0
    if (this.state !== "closed") this.transition("closed")
  }
  failure(now: number): void {
    this.failures++
    if (this.state === "half-open" || (this.state === "closed" && this.failures >= this.threshold)) {
      this.openedAt = now
      this.transition("open")
    }
  }
  private transition(next: CircuitState): void {
    const previous = this.state
    this.state = next
    this.onChange(next, previous)
  }
}
