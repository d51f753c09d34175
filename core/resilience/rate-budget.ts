/**
 * @module RateBudget: one token bucket per exchange, shared by every symbol and endpoint, so a
 * hundred symbols cannot exceed the exchange's request weight and earn a ban. Time is `Clock`.
 *
 * Callers reserve tokens ahead (the balance may go negative) and sleep until their turn: this
 * is FIFO without a lock. After a 429/418 `pauseUntil` makes every caller wait out Retry-After.
 */
import { Clock, Effect } from "effect"
import { RateBudgetExceededError } from "./errors.ts"

export interface RateBudgetOptions {
  readonly name: string
  /** Burst size (tokens). */
  readonly capacity: number
  /** Refill rate. */
  readonly refillPerSecond: number
  /** Fail with `RateBudgetExceededError` instead of waiting longer than this. @default Infinity */
  readonly maxWaitMs?: number
}

export interface RateBudgetStats {
  readonly name: string
  readonly tokens: number
  readonly granted: number
  readonly waited: number
  readonly rejected: number
  readonly pausedUntil: number
}

/** The bucket itself: synchronous, clock passed in. */
export class TokenBucket {
  tokens: number
  granted = 0
  waited = 0
  rejected = 0
  pausedUntil = 0
  private last = -1
  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
  ) {
    this.tokens = capacity
  }

  private refill(now: number): void {
    if (this.last < 0) this.last = now
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs)
      this.last = now
    }
  }

  /** Reserve `cost` tokens; returns how long to wait (0 = go now). */
  reserve(now: number, cost: number): number {
    this.refill(now)
    this.tokens -= cost
    this.granted++
    const pause = Math.max(0, this.pausedUntil - now)
    const debt = this.tokens < 0 ? -this.tokens / this.refillPerMs : 0
    const wait = Math.ceil(Math.max(pause, debt))
    if (wait > 0) this.waited++
    return wait
  }

  /** Undo a reservation (the caller will not wait for it). */
  refund(cost: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + cost)
    this.granted--
  }

  /** Take `cost` now if available, without waiting. */
  tryTake(now: number, cost: number): boolean {
    this.refill(now)
    if (now < this.pausedUntil || this.tokens < cost) return false
    this.tokens -= cost
    this.granted++
    return true
  }
}

export interface RateBudget {
  readonly name: string
  readonly bucket: TokenBucket
  /** Wait for `cost` tokens (default 1). */
  readonly take: (cost?: number) => Effect.Effect<void, RateBudgetExceededError>
  /** Run `self` after taking `cost` tokens. */
  readonly run: (
    cost?: number,
  ) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | RateBudgetExceededError, R>
  /** Hold every caller until `ms` from now (exchange said Retry-After). */
  readonly pauseFor: (ms: number) => Effect.Effect<void>
  readonly stats: () => RateBudgetStats
}

export const makeRateBudget = (options: RateBudgetOptions): RateBudget => {
  const bucket = new TokenBucket(Math.max(1, options.capacity), Math.max(1e-9, options.refillPerSecond / 1000))
  const maxWaitMs = options.maxWaitMs ?? Infinity
  const take = (cost = 1): Effect.Effect<void, RateBudgetExceededError> =>
    Effect.clockWith((clock) => {
      const wait = bucket.reserve(clock.currentTimeMillisUnsafe(), cost)
      if (wait === 0) return Effect.void
      if (wait > maxWaitMs) {
        bucket.refund(cost)
        bucket.rejected++
        return Effect.fail(new RateBudgetExceededError({ name: options.name, waitMs: wait, maxWaitMs }))
      }
      // A caller interrupted while waiting never makes its call: give its tokens back.
      return Effect.onInterrupt(Effect.sleep(wait), () => Effect.sync(() => bucket.refund(cost)))
    })
  return {
    name: options.name,
    bucket,
    take,
    run:
      (cost = 1) =>
      (self) =>
        Effect.andThen(take(cost), self),
    pauseFor: (ms) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        bucket.pausedUntil = Math.max(bucket.pausedUntil, now + ms)
      }),
    stats: () => ({
      name: options.name,
      tokens: bucket.tokens,
      granted: bucket.granted,
      waited: bucket.waited,
      rejected: bucket.rejected,
      pausedUntil: bucket.pausedUntil,
    }),
  }
}
