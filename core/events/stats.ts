/** @module Bus statistics for metrics, health and `GET /metrics`: depths, drops, counts. */
import type { CircuitState } from "../resilience/index.ts"
import type { EventType } from "./catalogue.ts"
import { LANES, type Lane } from "./lanes.ts"
import type { Subscription } from "./subscription.ts"

interface SubscriberStats {
  readonly name: string
  readonly pattern: string
  readonly depth: number
  readonly lanes: Readonly<Record<Lane, number>>
  readonly dropped: number
  /** Snapshots that took the place of an older one still queued (`SubscribeOptions.supersede`). */
  readonly superseded: number
  readonly delivered: number
  readonly failed: number
  readonly inFlight: number
  readonly circuit: CircuitState
}

export interface BusStats {
  /** Depth and drops per lane, summed over subscriptions. */
  readonly lanes: Readonly<Record<Lane, { readonly depth: number; readonly dropped: number }>>
  /** Events accepted (after dedup), per type. */
  readonly published: Readonly<Record<EventType, number>>
  readonly publishedTotal: number
  readonly deduplicated: number
  readonly deadLetters: number
  readonly deadLettersEvicted: number
  readonly subscribers: ReadonlyArray<SubscriberStats>
  /** False when no event store is attached: durable events are dispatched but not persisted. */
  readonly durable: boolean
  readonly draining: boolean
}

export interface StatsInput {
  readonly subscriptions: Iterable<Subscription<unknown>>
  /** Drops of subscriptions that are gone, per lane, so the counters never go down. */
  readonly droppedGone: ReadonlyArray<number>
  readonly published: Record<EventType, number>
  readonly deduplicated: number
  readonly deadLetters: number
  readonly deadLettersEvicted: number
  readonly durable: boolean
  readonly draining: boolean
}

export const collectStats = (input: StatsInput): BusStats => {
  const lanes = Object.fromEntries(LANES.map((l, i) => [l, { depth: 0, dropped: input.droppedGone[i] }])) as Record<
    Lane,
    { depth: number; dropped: number }
  >
  const subscribers: Array<SubscriberStats> = []
  for (const s of input.subscriptions) {
    const perLane = {} as Record<Lane, number>
    LANES.forEach((l, i) => {
      perLane[l] = s.lanes.lanes[i].length
      lanes[l].depth += s.lanes.lanes[i].length
      lanes[l].dropped += s.lanes.dropped[i]
    })
    subscribers.push({
      name: s.name,
      pattern: s.pattern,
      depth: s.lanes.depth,
      lanes: perLane,
      dropped: s.lanes.dropped.reduce((a, b) => a + b, 0),
      superseded: s.superseder?.superseded ?? 0,
      delivered: s.delivered,
      failed: s.failed,
      inFlight: s.inFlight,
      circuit: s.breaker.state as CircuitState,
    })
  }
  return {
    lanes,
    published: input.published,
    publishedTotal: Object.values(input.published).reduce((a, b) => a + b, 0),
    deduplicated: input.deduplicated,
    deadLetters: input.deadLetters,
    deadLettersEvicted: input.deadLettersEvicted,
    subscribers,
    durable: input.durable,
    draining: input.draining,
  }
}

/** Whether every subscription has nothing queued or in hand (a handler's cascades are queued before it ends). */
export const allIdle = (subscriptions: Iterable<Subscription<unknown>>): boolean => {
  for (const s of subscriptions) if (!s.idle) return false
  return true
}
