/**
 * @module One consumer of one consumer group: batched `XREADGROUP`, `XACK` only after the
 * handler succeeded, and the reclaim loop (`reclaim.ts`: `XAUTOCLAIM` of entries another dead
 * or stuck consumer left pending, a dead-letter stream for entries delivered too often).
 *
 * Delivery is at least once: an entry is acknowledged after its handler returned, so a crash
 * between the two re-delivers it. Handlers that need exactly-once effects make them
 * idempotent, or acknowledge inside their own atomic write (`acksItself`).
 */
import { Clock, Duration, Effect, Fiber, Schedule, type Scope } from "effect"
import type { TransportError } from "../../errors.ts"
import type { RedisCommands } from "./connection.ts"
import { parseReadGroup, type StreamEntry } from "./entries.ts"
import { makeReclaimer, type ReclaimedFrom, type ReclaimRecord } from "./reclaim.ts"

export interface GroupConsumerOptions {
  /** Full key of the stream. */
  readonly stream: string
  readonly group: string
  readonly consumer: string
  /** Where a group created now starts: "$" = only new entries, "0" = the whole stream. */
  readonly startAt: "$" | "0"
  /** Entries per read. */
  readonly batch: number
  /** How long one blocking read waits; bounds how fast the loop notices shutdown. */
  readonly blockMs: number
  /** Entries pending longer than this are reclaimed. */
  readonly claimIdleMs: number
  /** Deliveries after which an entry is dead-lettered instead of handled again. */
  readonly maxDeliveries: number
  /** Full key of the dead-letter stream. */
  readonly deadLetters: string
  /** When true the handler acknowledges (e.g. in the same Lua script as its write). */
  readonly acksItself?: boolean
  readonly handle: (entries: ReadonlyArray<StreamEntry>) => Effect.Effect<void, unknown>
}

export interface ConsumerStats {
  readonly stream: string
  readonly group: string
  readonly consumer: string
  readonly read: number
  readonly acked: number
  readonly failedBatches: number
  readonly reclaimed: number
  readonly deadLettered: number
  /** Pending entries trimmed (MAXLEN) before anyone handled them. */
  readonly trimmedWhilePending: number
  readonly lastReclaim?: ReclaimRecord
  /** Per previous holder (consumer name). */
  readonly reclaimedFrom: Readonly<Record<string, ReclaimedFrom>>
}

const isBusyGroup = (error: TransportError) => error.message.includes("BUSYGROUP")

/** Creates the group (and the stream) unless it exists. */
const ensureGroup = (redis: RedisCommands, stream: string, group: string, startAt: "$" | "0") =>
  redis.send("XGROUP", ["CREATE", stream, group, startAt, "MKSTREAM"]).pipe(
    Effect.catchIf(isBusyGroup, () => Effect.void),
    Effect.asVoid,
  )

/**
 * Starts the read and reclaim loops in the current scope and returns their live counters.
 * `reader` must be a dedicated connection: the blocking read holds it.
 */
export const startGroupConsumer = (
  redis: RedisCommands,
  reader: RedisCommands,
  options: GroupConsumerOptions,
): Effect.Effect<{ readonly stats: () => ConsumerStats }, TransportError, Scope.Scope> =>
  Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const { stream, group, consumer } = options
    const counters = { read: 0, acked: 0, failedBatches: 0, reclaimed: 0, deadLettered: 0, trimmedWhilePending: 0 }

    yield* ensureGroup(redis, stream, group, options.startAt)

    const ack = (entries: ReadonlyArray<StreamEntry>) =>
      entries.length === 0 || options.acksItself === true
        ? Effect.void
        : redis.send("XACK", [stream, group, ...entries.map((e) => e.id)]).pipe(Effect.asVoid)

    const handle = (entries: ReadonlyArray<StreamEntry>) =>
      options.handle(entries).pipe(
        Effect.matchEffect({
          onFailure: (error) => {
            counters.failedBatches++
            // Left pending on purpose: the reclaim loop retries it, then dead-letters it.
            return Effect.logWarning(
              `${group}/${consumer}: handler failed for ${entries.length} entries, left pending`,
              error,
            )
          },
          onSuccess: () =>
            ack(entries).pipe(
              Effect.tap(() =>
                Effect.sync(() => {
                  counters.acked += entries.length
                }),
              ),
            ),
        }),
      )

    // Entries this consumer has read and not yet finished: the reclaim loop must not take
    // them back from itself while a slow handler (or the prefetched next batch) holds them.
    const inFlight = new Set<string>()
    const readBatch = (id: string, block: boolean) =>
      reader
        .send("XREADGROUP", [
          "GROUP",
          group,
          consumer,
          "COUNT",
          String(options.batch),
          ...(block ? ["BLOCK", String(options.blockMs)] : []),
          "STREAMS",
          stream,
          id,
        ])
        .pipe(
          Effect.map((reply) => {
            const entries = parseReadGroup(reply)
            for (const entry of entries) inFlight.add(entry.id)
            return entries
          }),
        )
    const done = (entries: ReadonlyArray<StreamEntry>) =>
      Effect.sync(() => {
        for (const entry of entries) inFlight.delete(entry.id)
      })

    // After a restart under the same name, this consumer's own pending entries come first
    // (read by id, each once; a batch that fails stays pending for the reclaim loop).
    const recoverOwn = Effect.gen(function* () {
      let after = "0"
      while (true) {
        const entries = yield* readBatch(after, false)
        if (entries.length === 0) return
        counters.read += entries.length
        yield* handle(entries).pipe(Effect.ensuring(done(entries)))
        if (entries.length < options.batch) return
        after = entries[entries.length - 1]!.id
      }
    })

    // The next read is in flight while the current batch is handled, so the round trip to
    // Redis overlaps the handler instead of adding to it.
    const readLoop = Effect.gen(function* () {
      yield* recoverOwn
      let next = yield* Effect.forkChild(readBatch(">", true))
      while (true) {
        const entries = yield* Fiber.join(next)
        next = yield* Effect.forkChild(readBatch(">", true))
        if (entries.length === 0) continue
        counters.read += entries.length
        yield* handle(entries).pipe(Effect.ensuring(done(entries)))
      }
    })

    const { reclaimOnce, lastReclaim, reclaimedFrom } = makeReclaimer(redis, {
      ...options,
      inFlight,
      handle,
      counters,
      now: () => clock.currentTimeMillisUnsafe(),
    })

    const logAndContinue =
      (what: string) =>
      <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        effect.pipe(Effect.catch((error) => Effect.logWarning(`${group}/${consumer}: ${what} failed, retrying`, error)))

    yield* readLoop.pipe(
      // The group can vanish (a peer's janitor took this instance for dead): make it again.
      Effect.catchIf(
        (error) => error.message.includes("NOGROUP"),
        () =>
          ensureGroup(redis, stream, group, "$").pipe(
            Effect.andThen(Effect.logWarning(`${group}/${consumer}: group was missing, recreated`)),
          ),
      ),
      logAndContinue("read"),
      // A failed read (Redis restarting) waits a little before the next attempt.
      Effect.andThen(Effect.sleep(Duration.millis(200))),
      Effect.forever,
      Effect.forkScoped,
    )
    yield* reclaimOnce.pipe(
      logAndContinue("reclaim"),
      Effect.repeat(Schedule.spaced(Duration.millis(Math.max(50, Math.floor(options.claimIdleMs / 2))))),
      Effect.forkScoped,
    )

    return {
      stats: (): ConsumerStats => ({
        stream,
        group,
        consumer,
        ...counters,
        ...(lastReclaim() === undefined ? {} : { lastReclaim: lastReclaim() }),
        reclaimedFrom: reclaimedFrom(),
      }),
    }
  })
