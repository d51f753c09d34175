/**
 * @module The bus's receive side: dedups, counts and routes each delivered event into the lane
 * of every matching subscription, then wakes each touched subscription once. Plain code over
 * precomputed routes, so every event takes the same optimized loop and allocates nothing.
 */
import { Effect } from "effect"
import { EVENT_CATALOGUE, EVENT_TYPES, type EventType, type VirtuosoEvent } from "./catalogue.ts"
import { DedupWindow } from "./dedup.ts"
import { laneIndex } from "./lanes.ts"
import { matches } from "./pattern.ts"
import type { Subscription } from "./subscription.ts"

/** Lane index per event type; 3 ("low") for a type this build does not know. */
export const laneOfType: Readonly<Record<string, number>> = Object.fromEntries(
  EVENT_TYPES.map((t) => [t, laneIndex(EVENT_CATALOGUE[t].priority)]),
)

export interface RouterOptions {
  readonly now: () => number
  readonly dedupWindowMs: number
  readonly dedupMaxIds: number
}

export interface Router {
  /** The transport's receive side; suspends only at a full "wait" lane. */
  readonly deliver: (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<void>
  /** Recomputes each type's subscriber list; call after subscribing or unsubscribing. */
  readonly rebuild: (subscriptions: Iterable<Subscription<unknown>>) => void
  /** Events accepted (after dedup), per type. */
  readonly published: () => Record<EventType, number>
  readonly deduplicated: () => number
}

// Everything delivery needs about a type, found with one lookup per event.
interface Route {
  subs: ReadonlyArray<Subscription<unknown>>
  readonly lane: number
  /** Undefined for types that are not deduplicated (or a zero window): no call per event. */
  readonly dedup: DedupWindow | undefined
  count: number
}

export const makeRouter = ({ now, dedupWindowMs, dedupMaxIds }: RouterOptions): Router => {
  const start = now()
  const routes = new Map<string, Route>(
    EVENT_TYPES.map((t) => [
      t,
      {
        subs: [],
        lane: laneOfType[t],
        dedup:
          EVENT_CATALOGUE[t].dedup && dedupWindowMs > 0
            ? new DedupWindow(dedupWindowMs, dedupMaxIds, start)
            : undefined,
        count: 0,
      },
    ]),
  )
  let deduplicated = 0

  const rebuild = (subscriptions: Iterable<Subscription<unknown>>) => {
    const all = [...subscriptions]
    for (const [type, route] of routes) route.subs = all.filter((s) => !s.unrouted && matches(s.pattern, type))
  }

  // Subscriptions that received events in the current delivery; each is woken once at its end.
  const touched: Array<Subscription<unknown>> = []
  const wakeTouched = () => {
    for (let k = 0; k < touched.length; k++) {
      touched[k].touched = false
      touched[k].wake()
    }
    touched.length = 0
  }
  // Where the last `offerRun` stopped at a full "wait" lane: read right after it returns false.
  let blockedAt = 0
  let blockedSub = 0
  let blockedSubs: ReadonlyArray<Subscription<unknown>> = []
  let blockedLane = 0

  // Dedups, counts and routes events[from..] into each matching subscription's lane. `resume`
  // is the subscriber list event `from` was being offered to when it blocked (already deduped
  // and counted; continue at `fromSub`). Returns false at a full "wait" lane, leaving the
  // position in `blocked*`.
  const offerRun = (
    events: ReadonlyArray<VirtuosoEvent>,
    from: number,
    fromSub: number,
    resume: ReadonlyArray<Subscription<unknown>> | undefined,
    at: number,
  ): boolean => {
    // Deliveries are mostly runs of one type: the last route answers without a map lookup.
    let lastType: string | undefined
    let route: Route | undefined
    for (let i = from; i < events.length; i++) {
      const event = events[i]
      let subs: ReadonlyArray<Subscription<unknown>>
      let j = 0
      if (resume !== undefined && i === from) {
        subs = resume
        j = fromSub
        route = routes.get(event.type)
        lastType = event.type
      } else {
        if (event.type !== lastType) {
          lastType = event.type
          route = routes.get(lastType)
        }
        // An unknown type can only come from a foreign transport; it has no subscribers here.
        if (route === undefined) continue
        if (route.dedup !== undefined && event.replayed !== true && route.dedup.seen(event.id, at)) {
          deduplicated++
          continue
        }
        route.count++
        subs = route.subs
      }
      const lane = route === undefined ? (laneOfType[event.type] ?? 3) : route.lane
      for (; j < subs.length; j++) {
        const sub = subs[j]
        if (!sub.offer(event, lane)) {
          blockedAt = i
          blockedSub = j
          blockedSubs = subs
          blockedLane = lane
          return false
        }
        if (!sub.touched) {
          sub.touched = true
          touched.push(sub)
        }
      }
    }
    return true
  }

  // Continues a delivery that hit a full "wait" lane: suspends until that lane has space.
  const slowDeliver = (events: ReadonlyArray<VirtuosoEvent>, at: number) =>
    Effect.gen(function* () {
      let done = false
      while (!done) {
        const i = blockedAt
        const j = blockedSub
        const subs = blockedSubs
        const lane = blockedLane
        // Everyone touched so far gets to work before this publisher waits.
        wakeTouched()
        yield* subs[j].awaitSpace(lane)
        done = offerRun(events, i, j, subs, at)
      }
      wakeTouched()
    }).pipe(Effect.ensuring(Effect.sync(wakeTouched)))

  // A wake per event made workers ping-pong: each touched subscription is woken once, at the end.
  const deliver = (events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void> => {
    const at = now()
    if (offerRun(events, 0, 0, undefined, at)) {
      wakeTouched()
      return Effect.void
    }
    return slowDeliver(events, at)
  }

  return {
    deliver,
    rebuild,
    published: () => Object.fromEntries([...routes].map(([t, r]) => [t, r.count])) as Record<EventType, number>,
    deduplicated: () => deduplicated,
  }
}
