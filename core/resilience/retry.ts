/**
 * @module Retry policies as Effect `Schedule`s: exponential backoff (1 s base, doubling, 60 s cap)
 * with ±10 % jitter, at most 3 attempts and a maximum elapsed time; whether to retry and the
 * minimum wait (Retry-After) come from `exchange-error.ts` (the one place that classifies).
 *
 * `maxAttempts` counts every call, the first one included: 3 → the call plus 2 retries.
 *
 * @example
 * const ticker = fetchTicker.pipe(breaker.protect, withRetry({ maxAttempts: 4 }))
 */
import { Cause, Duration, Effect, Random, Schedule } from "effect"
import { isRetryable as defaultIsRetryable, retryAfterMs as defaultRetryAfter } from "./exchange-error.ts"

export interface RetryOptions {
  /** Total calls including the first. @default 3 */
  readonly maxAttempts?: number
  /** First retry delay. @default 1000 */
  readonly baseMs?: number
  /** @default 2 */
  readonly factor?: number
  /** Backoff cap before jitter. @default 60_000 */
  readonly capMs?: number
  /** Relative jitter: each delay is scaled by a factor in [1 - jitter, 1 + jitter]. @default 0.1 */
  readonly jitter?: number
  /** Stop when the next retry would start later than this after the first failure. @default 120_000 */
  readonly maxElapsedMs?: number
  /** Retry this error? @default isRetryable from exchange-error.ts */
  readonly isRetryable?: (error: unknown) => boolean
  /** Minimum wait the error demands (Retry-After). @default retryAfterMs from exchange-error.ts */
  readonly retryAfterMs?: (error: unknown) => number | undefined
  /** Observe each scheduled retry (logging, metrics). */
  readonly onRetry?: (info: RetryInfo) => Effect.Effect<void>
}

export interface RetryInfo {
  /** 1 for the first retry. */
  readonly retry: number
  readonly delayMs: number
  readonly error: unknown
}

const RETRY_DEFAULTS = {
  maxAttempts: 3,
  baseMs: 1000,
  factor: 2,
  capMs: 60_000,
  jitter: 0.1,
  maxElapsedMs: 120_000,
} as const

/**
 * The delay before retry number `retry` (1-based), given a random number in [0, 1). Pure, so
 * tests and docs can state the bounds: base·factor^(retry-1), capped, scaled by 1 ± jitter, and
 * never below the Retry-After the error carries.
 */
export const backoffDelayMs = (
  retry: number,
  random: number,
  options: Pick<RetryOptions, "baseMs" | "factor" | "capMs" | "jitter"> = {},
  retryAfter?: number,
): number => {
  const base = options.baseMs ?? RETRY_DEFAULTS.baseMs
  const factor = options.factor ?? RETRY_DEFAULTS.factor
  const cap = options.capMs ?? RETRY_DEFAULTS.capMs
  const jitter = options.jitter ?? RETRY_DEFAULTS.jitter
  const raw = Math.min(cap, base * Math.pow(factor, retry - 1))
  const jittered = raw * (1 - jitter + 2 * jitter * random)
  return Math.round(retryAfter !== undefined ? Math.max(jittered, retryAfter) : jittered)
}

/**
 * The retry schedule. Input: the error of the failed attempt. Output: the chosen delay.
 * Stops (the error propagates) when the error is not retryable, attempts are used up, or the
 * next retry would start after `maxElapsedMs`.
 */
export const retrySchedule = (options: RetryOptions = {}): Schedule.Schedule<Duration.Duration, unknown> => {
  const maxRetries = Math.max(0, (options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts) - 1)
  const maxElapsed = options.maxElapsedMs ?? RETRY_DEFAULTS.maxElapsedMs
  const retryable = options.isRetryable ?? defaultIsRetryable
  const minWait = options.retryAfterMs ?? defaultRetryAfter
  const onRetry = options.onRetry
  return Schedule.fromStepWithMetadata(
    Effect.succeed((meta: Schedule.InputMetadata<unknown>) => {
      // meta.attempt is 1 on the first failure, i.e. before the first retry.
      if (meta.attempt > maxRetries || !retryable(meta.input)) return Cause.done(Duration.zero)
      return Effect.flatMap(Random.next, (random) => {
        const delayMs = backoffDelayMs(meta.attempt, random, options, minWait(meta.input))
        if (meta.elapsed + delayMs > maxElapsed) return Cause.done(Duration.zero)
        const step = Effect.succeed([Duration.millis(delayMs), Duration.millis(delayMs)] as [
          Duration.Duration,
          Duration.Duration,
        ])
        return onRetry === undefined
          ? step
          : Effect.andThen(onRetry({ retry: meta.attempt, delayMs, error: meta.input }), step)
      })
    }),
  )
}

/** Retry `self` by `retrySchedule(options)`. Put it OUTSIDE the breaker so each try is counted. */
export const withRetry = (options: RetryOptions = {}) => {
  const schedule = retrySchedule(options)
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => Effect.retry(self, schedule)
}
