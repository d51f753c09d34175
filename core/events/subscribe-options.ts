/** @module What a subscriber chooses per handler: concurrency, batching, retries, breaker, lanes. */
import type { Effect, Schedule } from "effect"
import type { VirtuosoEvent } from "./catalogue.ts"
import type { BackpressurePolicy, Lane } from "./lanes.ts"
import type { SupersedeOptions } from "./supersede.ts"

export interface BatchOptions {
  /** Deliver once this many events are pending. @default 100 */
  readonly size?: number
  /**
   * ...or once the oldest pending event waited this long. Right after a full batch the worker is
   * behind and takes what is queued without waiting. @default 100
   */
  readonly ms?: number
}

export interface SubscribeOptions {
  /** Names the handler in stats, the DLQ and circuit events; unique per bus. */
  readonly name: string
  /** Handler invocations running at once. @default 1 (in order) */
  readonly concurrency?: number
  /** Deliver arrays of events instead of one at a time. */
  readonly batch?: BatchOptions
  /** Retry policy for a failing handler call before it is dead-lettered. @default 3 quick retries */
  readonly retry?: Schedule.Schedule<unknown, unknown>
  readonly breaker?: HandlerBreakerOptions
  /** Capacity of each of this subscription's four lanes. @default bus default (10,000) */
  readonly capacity?: number
  /** What a full lane does; per lane or one for all. @default bus default ("wait") */
  readonly backpressure?: BackpressurePolicy | Partial<Record<Lane, BackpressurePolicy>>
  /**
   * For a handler that keeps only the latest snapshot (book, ticker) of a symbol: a newer one
   * takes the place of an older one still queued, unless a `readers` event about the symbol was
   * queued after it (`supersede.ts`). Bounds a backlog without changing what the handler computes.
   */
  readonly supersede?: SupersedeOptions
  /**
   * Which delivered events this handler takes, decided as each is delivered: a rejected event is
   * never queued here, so it neither waits in a lane, nor supersedes a queued snapshot, nor reaches
   * the handler. Called once per event and subscription (again only after a full lane's wait).
   */
  readonly accept?: (event: VirtuosoEvent) => boolean
}

/** Per-handler circuit breaker settings (the machine is `core/resilience`'s BreakerState). */
interface HandlerBreakerOptions {
  /** Consecutive failed calls (after retries) that open the circuit. @default 5 */
  readonly failureThreshold?: number
  /** How long the circuit stays open before a probe call. @default 30_000 */
  readonly resetAfterMs?: number
  /** Successful probes needed to close again. @default 1 */
  readonly halfOpenSuccesses?: number
}

/** `R` is what the handler needs; the bus provides it from the context that subscribed. */
export type Handler<R = never> = (event: VirtuosoEvent) => Effect.Effect<void, unknown, R>
/**
 * `queued`: events still queued for this subscription as the batch is handed over. More than 0
 * only when the batch was cut at `size`; the next batch then follows at once, without a window.
 */
export type BatchHandler<R = never> = (
  events: ReadonlyArray<VirtuosoEvent>,
  queued: number,
) => Effect.Effect<void, unknown, R>
