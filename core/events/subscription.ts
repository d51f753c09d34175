/**
 * @module One subscription's delivery: the worker fibers that drain its lanes under per-handler
 * concurrency, batching, retries, the circuit breaker and dead-lettering. Each subscription owns
 * its lanes (`SubscriptionQueue`), so a slow handler backs up only itself.
 */
import { Cause, Effect, Schedule } from "effect"
import { BreakerState, HANDLER_PRESET, type CircuitState } from "../resilience/index.ts"
import type { VirtuosoEvent } from "./catalogue.ts"
import { runInline } from "./inline.ts"
import type { BackpressurePolicy, Lane } from "./lanes.ts"
import type { BatchHandler, BatchOptions, Handler, SubscribeOptions } from "./subscribe-options.ts"
import { SubscriptionQueue } from "./subscription-queue.ts"

export interface SubscriptionHooks {
  readonly now: () => number
  /** Records events this subscriber could not take (the bus's DLQ, persisted when a store is attached). */
  readonly deadLetter: (
    subscriber: string,
    events: ReadonlyArray<VirtuosoEvent>,
    error: string,
    attempts: number,
  ) => Effect.Effect<void>
  readonly onCircuitChange: (name: string, state: CircuitState, previous: CircuitState) => void
}

const DEFAULT_RETRY = Schedule.recurs(3)
const CHUNK = 512
const LANE_NAMES: ReadonlyArray<Lane> = ["critical", "high", "normal", "low"]

const policiesOf = (
  backpressure: SubscribeOptions["backpressure"],
  defaultPolicy: BackpressurePolicy,
): ReadonlyArray<BackpressurePolicy> =>
  LANE_NAMES.map((l) =>
    backpressure === undefined
      ? defaultPolicy
      : typeof backpressure === "string"
        ? backpressure
        : (backpressure[l] ?? defaultPolicy),
  )

export class Subscription<R = never> extends SubscriptionQueue {
  readonly breaker: BreakerState
  readonly retry: Schedule.Schedule<unknown, unknown>
  delivered = 0
  failed = 0

  constructor(
    readonly pattern: string,
    readonly options: SubscribeOptions,
    readonly handler: Handler<R> | BatchHandler<R>,
    schedule: ReadonlyArray<number>,
    defaultCapacity: number,
    defaultPolicy: BackpressurePolicy,
    private readonly hooks: SubscriptionHooks,
  ) {
    super(
      options.capacity ?? defaultCapacity,
      schedule,
      policiesOf(options.backpressure, defaultPolicy),
      options.supersede,
      options.accept,
    )
    this.breaker = new BreakerState({
      name: options.name,
      policy: {
        _tag: "ConsecutiveFailures",
        threshold: options.breaker?.failureThreshold ?? HANDLER_PRESET.policy.threshold,
      },
      openMs: options.breaker?.resetAfterMs ?? HANDLER_PRESET.openMs,
      halfOpenSuccesses: options.breaker?.halfOpenSuccesses ?? 1,
      halfOpenMaxProbes: 1,
      // Handler calls are not timed out by the bus; a handler that needs a limit sets its own.
      callTimeoutMs: 0,
      onStateChange: (change) => hooks.onCircuitChange(options.name, change.to, change.from),
    })
    this.retry = options.retry ?? DEFAULT_RETRY
  }

  get name(): string {
    return this.options.name
  }

  /**
   * Runs a call through breaker, retries and, finally, the DLQ; never fails. When the fast path
   * already saw the first failure, it counts as the first attempt so the schedule is exact.
   * Typed failures and defects (throws) are retried alike: the schedule sees the error, or the
   * thrown value; only interruption is not retried.
   */
  private guarded(
    events: ReadonlyArray<VirtuosoEvent>,
    call: Effect.Effect<void, unknown, R>,
    firstFailure?: Cause.Cause<unknown>,
  ) {
    const self = this
    return Effect.gen(function* () {
      const permit = self.breaker.allow(self.hooks.now())
      if (!permit) {
        self.failed += events.length
        yield* self.hooks.deadLetter(self.name, events, "circuit open", 0)
        return
      }
      let attempts = 0
      let pending = firstFailure
      let lastCause: Cause.Cause<unknown> | undefined
      const once = Effect.suspend(() => {
        attempts++
        if (pending === undefined) return call
        const cause = pending
        pending = undefined
        return Effect.failCause(cause)
      }).pipe(
        Effect.catchCause((cause) => {
          if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause)
          lastCause = cause
          return Effect.fail(Cause.squash(cause))
        }),
      )
      const exit = yield* Effect.exit(Effect.retry(once, self.retry))
      if (exit._tag === "Success") {
        self.breaker.onSuccess(self.hooks.now(), permit)
        self.delivered += events.length
        return
      }
      if (Cause.hasInterruptsOnly(exit.cause)) {
        self.breaker.release(permit)
        return yield* Effect.failCause(exit.cause as Cause.Cause<never>)
      }
      self.breaker.onFailure(self.hooks.now(), permit)
      self.failed += events.length
      yield* self.hooks.deadLetter(self.name, events, Cause.pretty(lastCause ?? exit.cause), attempts)
    })
  }

  /** One worker: drains lanes in weighted order, one event (or one batch) per handler call. */
  worker(): Effect.Effect<never, never, R> {
    return this.options.batch === undefined ? this.singleWorker() : this.batchWorker(this.options.batch)
  }

  private singleWorker(): Effect.Effect<never, never, R> {
    const self = this
    const handler = this.handler as Handler<R>
    const lanes = this.lanes
    const breaker = this.breaker
    let current: VirtuosoEvent | undefined
    // Events are taken one at a time so a newly arrived critical event is next, whatever is
    // queued. A handler whose effect is a plain `Effect.sync` (or already succeeded) runs inline,
    // without a run-loop trip per call; any other effect is yielded. One catchCause covers a run
    // of up to CHUNK events instead of one per event; a failing event (typed failure, or a throw
    // from an inlined thunk) leaves the fast loop through retry/breaker/DLQ and the next run resumes.
    const run: Effect.Effect<void, never, R> = Effect.catchCause(
      Effect.gen(function* () {
        for (let n = 0; n < CHUNK; n++) {
          const event = lanes.take()
          if (event === undefined) return
          self.inFlight++
          if (self.spaceWaiting !== 0) self.afterTake()
          current = event
          if (breaker.state !== "closed")
            yield* self.guarded(
              [event],
              Effect.suspend(() => handler(event)),
            )
          else {
            const effect = handler(event)
            if (!runInline(effect)) yield* effect
            self.delivered++
            // Closed-state successes skip the breaker, except to end a run of failures.
            if (breaker.consecutiveFailures !== 0) breaker.onSuccess(self.hooks.now())
          }
          current = undefined
          self.inFlight--
        }
      }),
      (cause) => {
        if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
        const event = current!
        current = undefined
        return Effect.ensuring(
          self.guarded(
            [event],
            Effect.suspend(() => handler(event)),
            cause,
          ),
          Effect.sync(() => self.inFlight--),
        )
      },
    )
    return Effect.gen(function* () {
      while (true) {
        if (lanes.depth === 0) {
          self.afterWork()
          if (self.closed) return yield* Effect.never
          yield* self.park()
          continue
        }
        yield* run
      }
    })
  }

  private batchWorker(options: BatchOptions): Effect.Effect<never, never, R> {
    const self = this
    const size = Math.max(1, options.size ?? 100)
    const ms = Math.max(0, options.ms ?? 100)
    const handler = this.handler as BatchHandler<R>
    const breaker = this.breaker
    // Closed-state successes skip the breaker, except to end a run of failures.
    const succeeded = (n: number): void => {
      self.delivered += n
      if (breaker.consecutiveFailures !== 0) breaker.onSuccess(self.hooks.now())
    }
    // The batch call with the circuit closed: inline when the handler's effect is synchronous,
    // else run as it is, with only a catch around it; a first failure (or a throw from the inline
    // attempt) goes on through the breaker/retry path as the first attempt. With the circuit not
    // closed, every call takes that path. Building the retry schedule for every batch cost more
    // than a small batch's delivery.
    const call = (batch: ReadonlyArray<VirtuosoEvent>, queued: number): Effect.Effect<void, never, R> | undefined => {
      const again = () => Effect.suspend(() => handler(batch, queued))
      if (breaker.state !== "closed") return self.guarded(batch, again())
      let effect: Effect.Effect<void, unknown, R>
      try {
        effect = handler(batch, queued)
        if (!runInline(effect))
          return Effect.matchCauseEffect(effect, {
            onFailure: (cause) =>
              Cause.hasInterruptsOnly(cause)
                ? Effect.failCause(cause as Cause.Cause<never>)
                : self.guarded(batch, again(), cause),
            onSuccess: () => Effect.sync(() => succeeded(batch.length)),
          })
      } catch (defect) {
        return self.guarded(batch, again(), Cause.die(defect))
      }
      succeeded(batch.length)
      return undefined
    }
    return Effect.gen(function* () {
      // After a batch cut at `size` the worker is behind a burst: what is queued has waited
      // already, so the next batch takes it without opening a window of its own.
      let behind = false
      while (true) {
        const batch: Array<VirtuosoEvent> = []
        const fill = () => {
          while (batch.length < size) {
            const event = self.lanes.take()
            if (event === undefined) break
            batch.push(event)
          }
        }
        fill()
        if (batch.length === 0) {
          behind = false
          if (self.closed) return yield* Effect.never
          yield* self.park()
          continue
        }
        self.inFlight += batch.length
        self.afterTakeAll()
        // Wait for the batch to fill or for `ms` to pass since its first event, whichever first.
        // Publishers never wait on this: taking from the lane already freed their space.
        if (batch.length < size && ms > 0 && !self.flushing && !behind) {
          const deadline = self.hooks.now() + ms
          while (batch.length < size && !self.closed && !self.flushing) {
            const left = deadline - self.hooks.now()
            if (left <= 0) break
            yield* Effect.raceFirst(self.park(), Effect.sleep(left))
            const before = batch.length
            fill()
            self.inFlight += batch.length - before
            if (batch.length > before) self.afterTakeAll()
          }
        }
        const n = batch.length
        behind = n === size
        const slow = call(batch, self.lanes.depth)
        if (slow === undefined) self.inFlight -= n
        else
          yield* Effect.ensuring(
            slow,
            Effect.sync(() => (self.inFlight -= n)),
          )
        self.afterWork()
      }
    })
  }
}
