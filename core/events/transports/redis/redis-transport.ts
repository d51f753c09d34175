/**
 * @module The Redis Streams transport of the EventBus.
 *
 * `send` appends each event to one stream with pipelined `XADD ... MAXLEN ~` (the publish
 * resolves once Redis has every entry), then hands the events to this process's bus directly,
 * as the in-process transport does. Every instance reads the stream through its own consumer
 * group (`bus.<instanceId>`), so every bus sees every event — publishers and subscribers keep
 * their in-process semantics — and skips the entries it published itself. An entry is
 * acknowledged once the local bus accepted the batch (its lanes are bounded and apply
 * backpressure, so an unacknowledged entry is one the bus has not taken); after a restart
 * under the same instance id the group resumes where it stopped. Work that must run once per
 * cluster uses a shared group instead (see `core/cluster`'s SharedState).
 */
import { Context, Effect, Layer } from "effect"
import type { VirtuosoEvent } from "../../catalogue.ts"
import { TransportError } from "../../errors.ts"
import { EventTransport, type Deliver, type Transport } from "../../transport.ts"
import { RedisConnection } from "./connection.ts"
import { startGroupConsumer, type ConsumerStats } from "./consumer.ts"
import { deadLetterArgs, decodeEntry, type StreamEntry } from "./entries.ts"

export interface RedisTransportOptions {
  /** This process's id; names its consumer group and marks its entries. */
  readonly instanceId: string
  /** Approximate stream cap (`MAXLEN ~`). @default 100_000 */
  readonly maxLen?: number
  /** Entries per `XREADGROUP`. @default 500 */
  readonly batch?: number
  /** @default 3000 */
  readonly claimIdleMs?: number
  /** @default 5 */
  readonly maxDeliveries?: number
  /** How long one blocking read waits. @default 500 */
  readonly blockMs?: number
}

export interface RedisTransportStats {
  readonly stream: string
  readonly published: number
  readonly publishFailures: number
  readonly receivedRemote: number
  /** Entries that failed validation and went straight to the dead-letter stream. */
  readonly invalid: number
  readonly consumer?: ConsumerStats
}

/**
 * The prefix as a Redis Cluster hash tag (`virtuoso` → `{virtuoso}`): every key of one cluster
 * then lives in one slot, so multi-key scripts and commands work on Redis Cluster as on one Redis.
 * A prefix that already has a tag is kept.
 */
export const hashTagged = (prefix: string): string => (/\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`)

/** Key names under one prefix (hash-tagged); shared with `core/cluster` and the tests. */
export const streamKeys = (prefix: string) => ({
  bus: `${hashTagged(prefix)}:bus`,
  deadLetters: `${hashTagged(prefix)}:dlq`,
  busGroup: (instanceId: string) => `bus.${instanceId}`,
})

export class RedisTransport extends Context.Service<
  RedisTransport,
  {
    readonly transport: Transport
    /** True for an event this bus received from another instance (not published here). */
    readonly isRemote: (event: VirtuosoEvent) => boolean
    /** The instance that published a received event (undefined for local events). */
    readonly originOf: (event: VirtuosoEvent) => string | undefined
    readonly stats: Effect.Effect<RedisTransportStats>
  }
>()("virtuoso/events/transports/redis/RedisTransport") {
  /** Needs a `RedisConnection`. */
  static readonly layer = (options: RedisTransportOptions) => Layer.effect(RedisTransport, makeRedisTransport(options))
  /** The bus's `EventTransport`, backed by the `RedisTransport` in context. */
  static readonly layerEventTransport = Layer.effect(
    EventTransport,
    Effect.map(RedisTransport, (redis) => redis.transport),
  )
}

function makeRedisTransport(options: RedisTransportOptions) {
  return Effect.gen(function* () {
    const redis = yield* RedisConnection
    const keys = streamKeys(redis.prefix)
    const maxLen = String(options.maxLen ?? 100_000)
    const origin = options.instanceId
    const receivers = new Set<Deliver>()
    // Decoded events are fresh objects, so identity tells remote from local without an id set.
    const remote = new WeakMap<VirtuosoEvent, string>()
    const counters = { published: 0, publishFailures: 0, receivedRemote: 0, invalid: 0 }
    let consumer: { readonly stats: () => ConsumerStats } | undefined

    const deliverLocal = (events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void> => {
      if (receivers.size === 1) for (const deliver of receivers) return deliver(events)
      return Effect.forEach(receivers, (deliver) => deliver(events), { discard: true })
    }

    const append = (events: ReadonlyArray<VirtuosoEvent>) =>
      Effect.tryPromise({
        try: () => {
          const replies = new Array<Promise<unknown>>(events.length)
          for (let i = 0; i < events.length; i++) {
            replies[i] = redis.sendUnsafe("XADD", [
              keys.bus,
              "MAXLEN",
              "~",
              maxLen,
              "*",
              "e",
              JSON.stringify(events[i]),
              "o",
              origin,
            ])
          }
          return Promise.all(replies)
        },
        catch: (cause) => {
          counters.publishFailures++
          return new TransportError({
            transport: "redis",
            message: `XADD: ${cause instanceof Error ? cause.message : String(cause)}`,
            cause,
          })
        },
      })

    const send = (events: ReadonlyArray<VirtuosoEvent>) =>
      events.length === 0
        ? Effect.void
        : append(events).pipe(
            Effect.tap(() =>
              Effect.sync(() => {
                counters.published += events.length
              }),
            ),
            Effect.andThen(deliverLocal(events)),
          )

    const receive = (entries: ReadonlyArray<StreamEntry>) =>
      Effect.gen(function* () {
        const events: Array<VirtuosoEvent> = []
        for (const entry of entries) {
          if (entry.origin === origin) continue
          const decoded = decodeEntry(entry)
          if (decoded.ok) {
            remote.set(decoded.event, entry.origin ?? "")
            events.push(decoded.event)
          } else {
            counters.invalid++
            yield* redis.send(
              "XADD",
              deadLetterArgs(keys.deadLetters, entry, {
                o: entry.origin ?? "",
                stream: keys.bus,
                id: entry.id,
                group: keys.busGroup(origin),
                consumer: origin,
                deliveries: "1",
                reason: decoded.error,
              }),
            )
          }
        }
        counters.receivedRemote += events.length
        if (events.length > 0) yield* deliverLocal(events)
      })

    const attach = (deliver: Deliver) =>
      Effect.gen(function* () {
        yield* Effect.acquireRelease(
          Effect.sync(() => receivers.add(deliver)),
          () => Effect.sync(() => receivers.delete(deliver)),
        )
        if (consumer !== undefined) return
        const reader = yield* redis.dedicated
        consumer = yield* startGroupConsumer(redis, reader, {
          stream: keys.bus,
          group: keys.busGroup(origin),
          consumer: origin,
          startAt: "$",
          batch: options.batch ?? 500,
          blockMs: options.blockMs ?? 500,
          claimIdleMs: options.claimIdleMs ?? 3000,
          maxDeliveries: options.maxDeliveries ?? 5,
          deadLetters: keys.deadLetters,
          handle: receive,
        })
        yield* Effect.logInfo(`bus transport: redis ${redis.target} stream ${keys.bus} group ${keys.busGroup(origin)}`)
      })

    return RedisTransport.of({
      transport: { name: "redis", send, attach },
      isRemote: (event) => remote.has(event),
      originOf: (event) => remote.get(event),
      stats: Effect.sync(() => ({
        stream: keys.bus,
        ...counters,
        ...(consumer === undefined ? {} : { consumer: consumer.stats() }),
      })),
    })
  })
}
