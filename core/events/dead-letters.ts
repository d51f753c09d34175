/**
 * @module The dead-letter queue: events a handler could not take after its retries (or while
 * its circuit was open). Bounded; the oldest entry is evicted and counted when full. Entries are
 * kept in memory for list/replay and written through a `DeadLetterSink`, which the event store
 * provides so they survive a restart (without a store they live in memory only).
 */
import { Effect } from "effect"
import type { VirtuosoEvent } from "./catalogue.ts"
import type { DeadLetterSinkShape, NewDeadLetter } from "./persistence.ts"

export interface DeadLetter {
  /** Sequence number of the entry, for replaying or discarding one. */
  readonly seq: number
  readonly subscriber: string
  readonly event: VirtuosoEvent
  readonly error: string
  readonly attempts: number
  readonly time: number
}

export interface DeadLetterFilter {
  readonly subscriber?: string
  readonly seqs?: ReadonlyArray<number>
}

export class DeadLetters {
  private entries: Array<DeadLetter> = []
  /** Highest seq handed out or loaded; the fallback numbering when the sink cannot write. */
  private maxSeq = 0
  evicted = 0
  constructor(
    readonly capacity: number,
    private readonly sink: DeadLetterSinkShape,
  ) {}

  /** Takes over the entries an earlier run left in the sink (newest `capacity`, oldest first). */
  load(): Effect.Effect<void> {
    return this.sink.load(this.capacity).pipe(
      Effect.map((loaded) => {
        this.entries = [...loaded, ...this.entries]
        for (const e of loaded) if (e.seq > this.maxSeq) this.maxSeq = e.seq
      }),
      Effect.catch((error) => Effect.logWarning("dead letters of the previous run could not be loaded", error)),
    )
  }

  add(subscriber: string, events: ReadonlyArray<VirtuosoEvent>, error: string, attempts: number, time: number): Effect.Effect<void> {
    const fresh: Array<NewDeadLetter> = events.map((event) => ({ subscriber, event, error, attempts, time }))
    return this.sink.add(fresh).pipe(
      // A sink that cannot write (disk full) must not lose the letter from this run's queue.
      Effect.catch((cause) =>
        Effect.as(Effect.logWarning("dead letter kept in memory only: the store did not take it", cause), [] as ReadonlyArray<number>),
      ),
      Effect.flatMap((seqs) => {
        for (let i = 0; i < fresh.length; i++) {
          // The sink numbers what it stored; the rest (no store, or a failed write) is numbered here.
          const seq = seqs[i] ?? ++this.maxSeq
          if (seq > this.maxSeq) this.maxSeq = seq
          this.entries.push({ seq, ...fresh[i] })
        }
        const excess = this.entries.length - this.capacity
        if (excess <= 0) return Effect.void
        const gone = this.entries.splice(0, excess)
        this.evicted += excess
        return this.forget(gone.map((e) => e.seq))
      }),
    )
  }

  get size(): number {
    return this.entries.length
  }

  list(filter?: DeadLetterFilter): ReadonlyArray<DeadLetter> {
    return this.entries.filter((e) => matchesFilter(e, filter))
  }

  /** Removes entries (replayed or evicted) from the queue and the sink. */
  remove(seqs: ReadonlyArray<number>): Effect.Effect<void> {
    if (seqs.length === 0) return Effect.void
    const drop = new Set(seqs)
    this.entries = this.entries.filter((e) => !drop.has(e.seq))
    return this.forget(seqs)
  }

  private forget(seqs: ReadonlyArray<number>): Effect.Effect<void> {
    return this.sink.remove(seqs).pipe(Effect.catch((error) => Effect.logWarning("dead letters not removed from the store", error)))
  }
}

const matchesFilter = (e: DeadLetter, filter?: DeadLetterFilter): boolean =>
  (filter?.subscriber === undefined || e.subscriber === filter.subscriber) &&
  (filter?.seqs === undefined || filter.seqs.includes(e.seq))
