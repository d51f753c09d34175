/**
 * @module The reclaim side of a group consumer: entries another (dead or stuck) consumer left
 * pending are taken over with `XAUTOCLAIM` and handled again, one at a time; an entry delivered
 * more than `maxDeliveries` times goes to the dead-letter stream instead. Records who held what.
 */
import { Effect } from "effect"
import type { TransportError } from "../../errors.ts"
import type { RedisCommands } from "./connection.ts"
import { deadLetterArgs, parseAutoClaim, parsePendingRows, parsePendingSummary, type StreamEntry } from "./entries.ts"

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

/** The counters the reclaimer adds to; the consumer reports them with its own. */
interface ReclaimCounters {
  reclaimed: number
  deadLettered: number
  trimmedWhilePending: number
}

export interface ReclaimerOptions {
  readonly stream: string
  readonly group: string
  readonly consumer: string
  readonly batch: number
  readonly claimIdleMs: number
  readonly maxDeliveries: number
  readonly deadLetters: string
  /** Entries this consumer is still handling: never claimed back from itself. */
  readonly inFlight: ReadonlySet<string>
  /** Handles (and acknowledges) entries; failures leave them pending. */
  readonly handle: (entries: ReadonlyArray<StreamEntry>) => Effect.Effect<void, TransportError>
  readonly counters: ReclaimCounters
  readonly now: () => number
}

export interface Reclaimer {
  /** One pass over the group's pending entries that are idle longer than `claimIdleMs`. */
  readonly reclaimOnce: Effect.Effect<void, TransportError>
  readonly lastReclaim: () => ReclaimRecord | undefined
  readonly reclaimedFrom: () => Readonly<Record<string, ReclaimedFrom>>
}

export const makeReclaimer = (redis: RedisCommands, options: ReclaimerOptions): Reclaimer => {
  const { stream, group, consumer, counters, inFlight, handle } = options
  let lastReclaim: ReclaimRecord | undefined
  const reclaimedFrom = new Map<string, ReclaimedFrom>()

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
    const now = options.now()
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

  return {
    reclaimOnce,
    lastReclaim: () => lastReclaim,
    reclaimedFrom: () => Object.fromEntries(reclaimedFrom),
  }
}
