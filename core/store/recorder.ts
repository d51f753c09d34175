/**
 * @module The recorder: persists the configured non-durable event types (`store.record`,
 * default every `market.*` input) in the order the bus delivers them, so the store holds the
 * exact sequence a subscriber such as Analysis received and a replay can feed it back.
 *
 * Durable types are already committed by the bus before dispatch and are skipped here. One
 * subscription over every type keeps the delivery order of each lane; market inputs share one
 * lane, so their relative order is the order Analysis saw.
 */
import { Effect, Layer } from "effect"
import { EventBus, isDurable, isValidPattern, matches, type VirtuosoEvent } from "../events/index.ts"
import { EventStore } from "./event-store.ts"

/** What to record: event types or `prefix.*` patterns. An unknown one is a configuration error. */
const recordedTypes = (patterns: ReadonlyArray<string>): ((type: string) => boolean) => {
  for (const pattern of patterns) {
    if (!isValidPattern(pattern)) throw new Error(`store.record: "${pattern}" matches no event type`)
  }
  const cache = new Map<string, boolean>()
  return (type) => {
    let hit = cache.get(type)
    if (hit === undefined) cache.set(type, (hit = patterns.some((p) => matches(p, type))))
    return hit
  }
}

/**
 * Subscribes `sink` to the recorded types of `patterns` for the life of the scope: one subscription
 * over every type, in delivery order, in batches of up to 1 000 events or 50 ms. The store's
 * recorder is one sink; `bun run record`'s file writer another.
 */
export const recordInto = <E>(
  patterns: ReadonlyArray<string>,
  name: string,
  sink: (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<unknown, E>,
) =>
  Effect.gen(function* () {
    if (patterns.length === 0) return
    const bus = yield* EventBus
    const wanted = recordedTypes(patterns)
    const keep = (event: VirtuosoEvent) => event.replayed !== true && !isDurable(event.type) && wanted(event.type)
    yield* bus.subscribe(
      "*",
      (events: ReadonlyArray<VirtuosoEvent>) => {
        const recorded = events.filter(keep)
        return recorded.length === 0 ? Effect.void : sink(recorded)
      },
      { name, batch: { size: 1000, ms: 50 } },
    )
  })

export const RecorderLive = (patterns: ReadonlyArray<string>) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      if (patterns.length === 0) return
      const store = yield* EventStore
      yield* recordInto(patterns, "recorder", store.append)
    }),
  )
