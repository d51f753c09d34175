/**
 * @module One consumer of one consumer group: batched `XREADGROUP`, `XACK` only after the
 * handler succeeded, `XAUTOCLAIM` of entries another (dead or stuck) consumer left pending,
 * and a dead-letter stream for entries delivered too often.
 *
 * Delivery is at least once: an entry is acknowledged after its handler returned, so a crash
 * between the two re-delivers it. Handlers that need exactly-once effects make them
 * idempotent, or acknowledge inside their own atomic write (`acksItself`).
 */
import { Clock, Duration, Effect, Fiber, Schedule, type Scope } from "effect"
import type { TransportError } from "../../errors.ts"
import type { RedisCommands } from "./connection.ts"
import {
  deadLetterArgs,
  parseAutoClaim,
  parsePendingRows,
  parsePendingSummary,
  parseReadGroup,
  type StreamEntry,
} from "./entries.ts"

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

export interface ReclaimRecord {
  readonly at: number
  readonly count: number
  /** Consumers that held the claimed entries. */
  readonly from: ReadonlyArray<string>
}

/** Entries reclaimed from one consumer since start, and when last. */
export interface ReclaimedFrom {
  readonly count: number
  readonly lastAt: number
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
export const ensureGroup = (redis: RedisCommands, stream: string, group: string, startAt: "$" | "0") =>
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
    let lastReclaim: ReclaimRecord | undefined
    const reclaimedFrom = new Map<string, ReclaimedFrom>()

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

    const deadLetter = (entry: StreamEntry, deliveries: number, reason: string) =>
      redis
        .send(
          "XADD",
          deadLetterArgs(options.deadLetters, entry, {
            o: entry.origin ?? "",
            stream,
            id: entry.id,
            group,
            consumer,
            deliveries: String(deliveries),
            reason,
          }),
        )
        .pipe(
          Effect.andThen(redis.send("XACK", [stream, group, entry.id])),
          Effect.tap(() =>
            Effect.sync(() => {
              counters.deadLettered++
            }),
          ),
          Effect.andThen(
            Effect.logWarning(`${group}: entry ${entry.id} dead-lettered after ${deliveries} deliveries (${reason})`),
          ),
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

    const deliveriesOf = (entries: ReadonlyArray<StreamEntry>) =>
      redis
        .send("XPENDING", [
          stream,
          group,
          entries[0]!.id,
          entries[entries.length - 1]!.id,
          String(entries.length * 2 + 10),
          consumer,
        ])
        .pipe(Effect.map((reply) => new Map(parsePendingRows(reply).map((row) => [row.id, row.deliveries]))))

    const reclaimOnce = Effect.gen(function* () {
      const summary = parsePendingSummary(yield* redis.send("XPENDING", [stream, group]))
      if (summary.count === 0) return
      const now = clock.currentTimeMillisUnsafe()
      const holders = new Set<string>()
      let cursor = "0-0"
      let claimed = 0
      for (let round = 0; round < 20; round++) {
        // Who holds what is read first: XAUTOCLAIM does not say whose entries it took. The whole
        // window it scans (COUNT × 10 entries from the cursor) is read, idle or not: an entry that
        // turns idle between the two calls is claimed too and must still name its holder.
        const idle = parsePendingRows(
          yield* redis.send("XPENDING", [
            stream,
            group,
            cursor === "0-0" ? "-" : cursor,
            "+",
            String(options.batch * 10),
          ]),
        )
        const holderOf = new Map(idle.map((row) => [row.id, row.consumer]))
        const reply = parseAutoClaim(
          yield* redis.send("XAUTOCLAIM", [
            stream,
            group,
            consumer,
            String(options.claimIdleMs),
            cursor,
            "COUNT",
            String(options.batch),
          ]),
        )
        counters.trimmedWhilePending += reply.deleted.length
        const taken = reply.entries.filter((entry) => !inFlight.has(entry.id))
        if (taken.length > 0) {
          claimed += taken.length
          counters.reclaimed += taken.length
          for (const entry of taken) {
            const holder = holderOf.get(entry.id) ?? "unknown"
            holders.add(holder)
            reclaimedFrom.set(holder, { count: (reclaimedFrom.get(holder)?.count ?? 0) + 1, lastAt: now })
          }
          const deliveries = yield* deliveriesOf(taken)
          // One at a time: a poison entry must not drag its batch-mates to the dead letters.
          for (const entry of taken) {
            const count = deliveries.get(entry.id) ?? options.maxDeliveries + 1
            if (count > options.maxDeliveries) yield* deadLetter(entry, count, "too many deliveries")
            else yield* handle([entry])
          }
        }
        cursor = reply.next
        if (cursor === "0-0") break
      }
      if (claimed > 0) {
        lastReclaim = { at: now, count: claimed, from: [...holders] }
        yield* Effect.logInfo(
          `${group}/${consumer}: reclaimed ${claimed} pending entries (held by ${[...holders].join(", ")})`,
        )
      }
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
        ...(lastReclaim === undefined ? {} : { lastReclaim }),
        reclaimedFrom: Object.fromEntries(reclaimedFrom),
      }),
    }
  })
