/**
 * @module One subscription's runtime: its four bounded lanes, the worker fibers that drain them
 * under per-handler concurrency, batching, retries, the circuit breaker and dead-lettering.
 * Each subscription owns its lanes, so a slow handler backs up only itself.
 */
import { Cause, Effect, Schedule } from "effect"
import { BreakerState, HANDLER_PRESET, type CircuitState } from "../resilience/index.ts"
import { priorityOf, type VirtuosoEvent } from "./catalogue.ts"
import { runInline } from "./inline.ts"
import { laneIndex, LaneSet, type BackpressurePolicy, type Lane } from "./lanes.ts"

export interface BatchOptions {
  /** Deliver once this many events are pending. @default 100 */
  readonly size?: number
  /** ...or once the oldest pending event waited this long. @default 100 */
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
}

/** Per-handler circuit breaker settings (the machine is `core/resilience`'s BreakerState). */
export interface HandlerBreakerOptions {
  /** Consecutive failed calls (after retries) that open the circuit. @default 5 */
  readonly failureThreshold?: number
  /** How long the circuit stays open before a probe call. @default 30_000 */
  readonly resetAfterMs?: number
  /** Successful probes needed to close again. @default 1 */
  readonly halfOpenSuccesses?: number
}

export type Handler = (event: VirtuosoEvent) => Effect.Effect<void, unknown>
export type BatchHandler = (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<void, unknown>

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

type Resume = (effect: Effect.Effect<void>) => void

export class Subscription {
  readonly lanes: LaneSet<VirtuosoEvent>
  readonly policies: ReadonlyArray<BackpressurePolicy>
  /** `policies[lane] === "wait"`, precomputed: it is read for every event offered. */
  private readonly waits: ReadonlyArray<boolean>
  readonly breaker: BreakerState
  readonly retry: Schedule.Schedule<unknown, unknown>
  delivered = 0
  failed = 0
  inFlight = 0
  closed = false
  /** Set while unsubscribing: no new events are routed here, queued ones still run. */
  unrouted = false
  private parked: Array<Resume> = []
  /** Publishers waiting for space, per lane; woken in bulk at the low-water mark. */
  private spaceWaiters: Array<Array<Resume>> = [[], [], [], []]
  private spaceWaiting = 0
  private readonly lowWater: number
  private idleWaiters: Array<Resume> = []

  constructor(
    readonly pattern: string,
    readonly options: SubscribeOptions,
    readonly handler: Handler | BatchHandler,
    schedule: ReadonlyArray<number>,
    defaultCapacity: number,
    defaultPolicy: BackpressurePolicy,
    private readonly hooks: SubscriptionHooks,
  ) {
    this.lanes = new LaneSet(options.capacity ?? defaultCapacity, schedule)
    this.lowWater = Math.floor((options.capacity ?? defaultCapacity) / 2)
    const bp = options.backpressure
    const laneNames: ReadonlyArray<Lane> = ["critical", "high", "normal", "low"]
    this.policies = laneNames.map((l) =>
      bp === undefined ? defaultPolicy : typeof bp === "string" ? bp : (bp[l] ?? defaultPolicy),
    )
    this.waits = this.policies.map((p) => p === "wait")
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
  get idle(): boolean {
    return this.lanes.depth === 0 && this.inFlight === 0
  }

  /**
   * Enqueues without suspending. Returns false only when the lane is full and its policy is
   * "wait": the caller then suspends on `awaitSpace` and offers again.
   */
  offer(event: VirtuosoEvent, lane: number = laneIndex(priorityOf(event.type))): boolean {
    if (this.closed) return true
    return this.lanes.offer(lane, event, this.waits[lane])
  }

  /**
   * Wakes as many parked workers as there are queued events (up to all of them). Callers offer
   * a whole delivery first and wake once: a wake per event made publisher and workers ping-pong.
   */
  wake(): void {
    let n = Math.min(this.parked.length, this.lanes.depth)
    while (n-- > 0) this.parked.pop()!(Effect.void)
  }

  /** Set by the bus while this subscription is in the current delivery's wake list. */
  touched = false

  /** Suspends until `lane` has space; wakes a worker first so the wait can end. */
  awaitSpace(lane: number): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      this.wake()
      if (this.closed || !this.lanes.lanes[lane].full) return resume(Effect.void)
      this.spaceWaiters[lane].push(resume)
      this.spaceWaiting++
      return Effect.sync(() => {
        const i = this.spaceWaiters[lane].indexOf(resume)
        if (i >= 0) {
          this.spaceWaiters[lane].splice(i, 1)
          this.spaceWaiting--
        }
      })
    })
  }

  awaitIdle(): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      if (this.closed || this.idle) return resume(Effect.void)
      this.idleWaiters.push(resume)
    })
  }

  /** Drain/unsubscribe: partial batches go out now instead of waiting for their timer. */
  flushing = false
  flush(): void {
    this.flushing = true
    const waiting = this.parked.splice(0)
    for (const resume of waiting) resume(Effect.void)
  }

  close(): void {
    this.closed = true
    this.wakeAll()
  }

  private wakeAll(): void {
    this.spaceWaiting = 0
    for (const list of [this.parked, ...this.spaceWaiters, this.idleWaiters]) {
      const waiting = list.splice(0)
      for (const resume of waiting) resume(Effect.void)
    }
  }

  // Waking a blocked publisher for every freed slot would ping-pong fibers per event; instead
  // wake a lane's waiters once it has drained to half its capacity. Waiters only wait on a full
  // "wait" lane, which shrinks only by takes: after a take, only the lane taken from can cross.
  private afterTake(lane: number = this.lanes.lastLane): void {
    if (this.spaceWaiting === 0) return
    const waiting = this.spaceWaiters[lane]
    if (waiting.length > 0 && this.lanes.lanes[lane].length <= this.lowWater) {
      this.spaceWaiters[lane] = []
      this.spaceWaiting -= waiting.length
      for (const resume of waiting) resume(Effect.void)
    }
  }

  /** After taking from several lanes at once (a batch). */
  private afterTakeAll(): void {
    for (let lane = 0; lane < 4 && this.spaceWaiting !== 0; lane++) this.afterTake(lane)
  }

  private afterWork(): void {
    if (this.idleWaiters.length > 0 && this.idle) {
      const waiting = this.idleWaiters.splice(0)
      for (const resume of waiting) resume(Effect.void)
    }
  }

  private park(): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      if (this.closed || this.lanes.depth > 0) return resume(Effect.void)
      this.parked.push(resume)
      return Effect.sync(() => {
        const i = this.parked.indexOf(resume)
        if (i >= 0) this.parked.splice(i, 1)
      })
    })
  }

  /**
   * Runs a call through breaker, retries and, finally, the DLQ; never fails. When the fast path
   * already saw the first failure, it counts as the first attempt so the schedule is exact.
   * Typed failures and defects (throws) are retried alike: the schedule sees the error, or the
   * thrown value; only interruption is not retried.
   */
  private guarded(
    events: ReadonlyArray<VirtuosoEvent>,
    call: Effect.Effect<void, unknown>,
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
  worker(): Effect.Effect<never> {
    return this.options.batch === undefined ? this.singleWorker() : this.batchWorker(this.options.batch)
  }

  private singleWorker(): Effect.Effect<never> {
    const self = this
    const handler = this.handler as Handler
    const lanes = this.lanes
    const breaker = this.breaker
    let current: VirtuosoEvent | undefined
    // Events are taken one at a time so a newly arrived critical event is next, whatever is
    // queued. A handler whose effect is a plain `Effect.sync` (or already succeeded) runs inline,
    // without a run-loop trip per call; any other effect is yielded. One catchCause covers a run
    // of up to CHUNK events instead of one per event; a failing event (typed failure, or a throw
    // from an inlined thunk) leaves the fast loop through retry/breaker/DLQ and the next run resumes.
    const run: Effect.Effect<void> = Effect.catchCause(
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

  private batchWorker(options: BatchOptions): Effect.Effect<never> {
    const self = this
    const size = Math.max(1, options.size ?? 100)
    const ms = Math.max(0, options.ms ?? 100)
    const handler = this.handler as BatchHandler
    const breaker = this.breaker
    // The batch call: inline when the handler's effect is synchronous and the circuit is closed,
    // else through the breaker/retry path (which also takes a throw from the inline attempt).
    const call = (batch: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void> | undefined => {
      if (breaker.state !== "closed")
        return self.guarded(
          batch,
          Effect.suspend(() => handler(batch)),
        )
      let effect: Effect.Effect<void, unknown>
      try {
        effect = handler(batch)
        if (!runInline(effect)) return self.guarded(batch, effect)
      } catch (defect) {
        return self.guarded(
          batch,
          Effect.suspend(() => handler(batch)),
          Cause.die(defect),
        )
      }
      self.delivered += batch.length
      if (breaker.consecutiveFailures !== 0) breaker.onSuccess(self.hooks.now())
      return undefined
    }
    return Effect.gen(function* () {
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
          if (self.closed) return yield* Effect.never
          yield* self.park()
          continue
        }
        self.inFlight += batch.length
        self.afterTakeAll()
        // Wait for the batch to fill or for `ms` to pass since its first event, whichever first.
        // Publishers never wait on this: taking from the lane already freed their space.
        if (batch.length < size && ms > 0 && !self.flushing) {
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
        const slow = call(batch)
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
