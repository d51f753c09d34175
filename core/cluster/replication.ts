/**
 * @module Every instance's event store holds the whole cluster's durable events: the bus
 * transport is wrapped so events arriving from other instances are committed to the local
 * store before this bus dispatches them (and so before the stream entry is acknowledged).
 * `/v1/events` and `/v1/signals` then answer for the cluster on any instance. Market events
 * are kept only from the symbol's owner, since every instance publishes its own copy.
 */
import { Effect, Layer, Schedule } from "effect"
import { EventTransport, isDurable, symbolOf, type VirtuosoEvent } from "../events/index.ts"
import { RedisTransport } from "../events/transports/redis/index.ts"
import { EventStore } from "../store/index.ts"
import { SymbolOwnership } from "./symbol-ownership.ts"

/** Keeps a remote durable event in the local store? Market events only from the symbol's owner. */
const replicates = (
  event: VirtuosoEvent,
  ownership: Pick<SymbolOwnership["Service"], "ownerOf" | "isLive">,
  origin: string | undefined,
): boolean => {
  if (!isDurable(event.type)) return false
  if (!event.type.startsWith("market.") || origin === undefined || !ownership.isLive(origin)) return true
  const symbol = symbolOf(event)
  const owner = symbol === undefined ? undefined : ownership.ownerOf(symbol)
  return owner === undefined || owner === origin
}

/** The bus's EventTransport: the RedisTransport, plus local persistence of remote durable events. */
export const ReplicatingTransport = Layer.effect(
  EventTransport,
  Effect.gen(function* () {
    const redis = yield* RedisTransport
    const store = yield* EventStore
    const ownership = yield* SymbolOwnership
    const persist = (events: ReadonlyArray<VirtuosoEvent>) => {
      const durable = events.filter((event) => replicates(event, ownership, redis.originOf(event)))
      if (durable.length === 0) return Effect.void
      return store.append(durable).pipe(
        Effect.retry(Schedule.max([Schedule.exponential("50 millis"), Schedule.recurs(4)])),
        Effect.catch((error) =>
          Effect.logWarning(`cluster: ${durable.length} remote events not stored locally: ${error.message}`),
        ),
      )
    }
    return {
      name: "redis+replication",
      send: redis.transport.send,
      attach: (deliver) => redis.transport.attach((events) => persist(events).pipe(Effect.andThen(deliver(events)))),
    }
  }),
)
