/**
 * @module Bulkhead: at most `maxConcurrent` calls in flight per exchange, at most `maxQueued`
 * waiting; beyond that callers fail fast with `BulkheadFullError` instead of piling up.
 */
import { Effect, Semaphore } from "effect"
import { BulkheadFullError } from "./errors.ts"

export interface BulkheadOptions {
  readonly name: string
  /** @default 4 */
  readonly maxConcurrent?: number
  /** Callers allowed to wait for a slot. @default Infinity */
  readonly maxQueued?: number
}

export interface BulkheadStats {
  readonly name: string
  readonly active: number
  readonly queued: number
  readonly rejected: number
  readonly maxConcurrent: number
}

export interface Bulkhead {
  readonly name: string
  readonly run: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | BulkheadFullError, R>
  readonly stats: () => BulkheadStats
}

export const makeBulkhead = (options: BulkheadOptions): Bulkhead => {
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? 4)
  const maxQueued = options.maxQueued ?? Infinity
  const semaphore = Semaphore.makeUnsafe(maxConcurrent)
  let active = 0
  let waiting = 0
  let rejected = 0
  const full = new BulkheadFullError({
    name: options.name,
    maxConcurrent,
    maxQueued: Number.isFinite(maxQueued) ? maxQueued : -1,
  })
  return {
    name: options.name,
    run: <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | BulkheadFullError, R> =>
      Effect.suspend((): Effect.Effect<A, E | BulkheadFullError, R> => {
        if (active >= maxConcurrent && waiting >= maxQueued) {
          rejected++
          return Effect.fail(full)
        }
        waiting++
        let entered = false
        const inside = Effect.suspend(() => {
          entered = true
          waiting--
          active++
          return Effect.ensuring(
            self,
            Effect.sync(() => void active--),
          )
        })
        // A waiter interrupted before it got a slot never entered: give its queue place back.
        return Effect.ensuring(
          semaphore.withPermits(1)(inside),
          Effect.sync(() => void (entered || waiting--)),
        )
      }),
    stats: () => ({ name: options.name, active, queued: waiting, rejected, maxConcurrent }),
  }
}
