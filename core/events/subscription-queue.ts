/**
 * @module The queue side of a subscription: its four bounded lanes and the fibers parked on
 * them — workers waiting for events, publishers waiting for space, drains waiting for idle.
 * Plain callbacks instead of Effect queues so an offer or a take allocates nothing.
 */
import { Effect } from "effect"
import { priorityOf, type VirtuosoEvent } from "./catalogue.ts"
import { laneIndex, LaneSet, type BackpressurePolicy } from "./lanes.ts"
import { Superseder, type SupersedeOptions } from "./supersede.ts"

type Resume = (effect: Effect.Effect<void>) => void

export class SubscriptionQueue {
  readonly lanes: LaneSet<VirtuosoEvent>
  /** `policies[lane] === "wait"`, precomputed: it is read for every event offered. */
  private readonly waits: ReadonlyArray<boolean>
  inFlight = 0
  closed = false
  /** Set while unsubscribing: no new events are routed here, queued ones still run. */
  unrouted = false
  /** Set by the bus while this subscription is in the current delivery's wake list. */
  touched = false
  /** Drain/unsubscribe: partial batches go out now instead of waiting for their timer. */
  flushing = false
  private parked: Array<Resume> = []
  /** Publishers waiting for space, per lane; woken in bulk at the low-water mark. */
  private spaceWaiters: Array<Array<Resume>> = [[], [], [], []]
  protected spaceWaiting = 0
  private readonly lowWater: number
  private idleWaiters: Array<Resume> = []
  /** Set when the subscriber keeps only the latest snapshot per symbol (`SubscribeOptions.supersede`). */
  readonly superseder: Superseder | undefined

  constructor(
    capacity: number,
    schedule: ReadonlyArray<number>,
    readonly policies: ReadonlyArray<BackpressurePolicy>,
    supersede?: SupersedeOptions,
    private readonly accept?: (event: VirtuosoEvent) => boolean,
  ) {
    this.lanes = new LaneSet(capacity, schedule)
    this.superseder = supersede === undefined ? undefined : new Superseder(supersede)
    this.lowWater = Math.floor(capacity / 2)
    this.waits = policies.map((p) => p === "wait")
  }

  get idle(): boolean {
    return this.lanes.depth === 0 && this.inFlight === 0
  }

  /**
   * Enqueues without suspending (an event `accept` rejects is skipped). Returns false only when
   * the lane is full and its policy is "wait": the caller then suspends on `awaitSpace` and
   * offers again.
   */
  offer(event: VirtuosoEvent, lane: number = laneIndex(priorityOf(event.type))): boolean {
    if (this.closed) return true
    // Rejected before the superseder sees it: a snapshot the handler would drop must not take
    // the place of one it keeps.
    if (this.accept !== undefined && !this.accept(event)) return true
    if (this.superseder !== undefined) return this.superseder.offer(this.lanes, event, lane, this.waits[lane])
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
  protected afterTake(lane: number = this.lanes.lastLane): void {
    if (this.spaceWaiting === 0) return
    const waiting = this.spaceWaiters[lane]
    if (waiting.length > 0 && this.lanes.lanes[lane].length <= this.lowWater) {
      this.spaceWaiters[lane] = []
      this.spaceWaiting -= waiting.length
      for (const resume of waiting) resume(Effect.void)
    }
  }

  /** After taking from several lanes at once (a batch). */
  protected afterTakeAll(): void {
    for (let lane = 0; lane < 4 && this.spaceWaiting !== 0; lane++) this.afterTake(lane)
  }

  protected afterWork(): void {
    if (this.idleWaiters.length > 0 && this.idle) {
      const waiting = this.idleWaiters.splice(0)
      for (const resume of waiting) resume(Effect.void)
    }
  }

  /** Suspends a worker until an event is queued or the subscription closes. */
  protected park(): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      if (this.closed || this.lanes.depth > 0) return resume(Effect.void)
      this.parked.push(resume)
      return Effect.sync(() => {
        const i = this.parked.indexOf(resume)
        if (i >= 0) this.parked.splice(i, 1)
      })
    })
  }
}
