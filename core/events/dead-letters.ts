/**
 * @module The dead-letter queue: events a handler could not take after its retries (or while
 * its circuit was open). Bounded; the oldest entry is evicted and counted when full. Entries are
 * kept in memory for list/replay and written through a `DeadLetterSink`, which the event store
 * provides so they survive a restart (without a store they live in memory only).
 *
 * Writes are behind, not awaited: new entries and removals are queued and written in one
 * transaction once the current burst of work yields (and on drain). A handler whose circuit is
 * open dead-letters every event it is offered; one transaction per event held such a handler to
 * ≈20k events/s, batched it keeps up with the bus. The price: a SIGKILL can lose the entries of
 * the last few milliseconds (the events themselves, if durable, are in the store already).
 */
import { Effect } from "effect"
import type { VirtuosoEvent } from "./catalogue.ts"
import type { DeadLetterSinkShape } from "./persistence.ts"

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
  /** Highest seq handed out or ever stored: seqs are never reused, even after removals. */
  private maxSeq = 0
  private unsaved: Array<DeadLetter> = []
  private unremoved: Array<number> = []
  private flushScheduled = false
  evicted = 0
  constructor(
    readonly capacity: number,
    private readonly sink: DeadLetterSinkShape,
    /** Runs the deferred write outside the caller's fiber. */
    private readonly detach: (effect: Effect.Effect<void>) => void,
  ) {}

  /** Takes over the entries an earlier run left in the sink (newest `capacity`, oldest first). */
  load(): Effect.Effect<void> {
    return this.sink.load(this.capacity).pipe(
      Effect.map(({ entries, maxSeq }) => {
        this.entries = [...entries, ...this.entries]
        if (maxSeq > this.maxSeq) this.maxSeq = maxSeq
      }),
      Effect.catch((error) => Effect.logWarning("dead letters of the previous run could not be loaded", error)),
    )
  }

  add(subscriber: string, events: ReadonlyArray<VirtuosoEvent>, error: string, attempts: number, time: number): void {
    for (const event of events) {
      const letter: DeadLetter = { seq: ++this.maxSeq, subscriber, event, error, attempts, time }
      this.entries.push(letter)
      if (this.sink.persistent) this.unsaved.push(letter)
    }
    const excess = this.entries.length - this.capacity
    if (excess > 0) {
      const gone = this.entries.splice(0, excess)
      this.evicted += excess
      this.forget(gone.map((e) => e.seq))
    }
    this.schedule()
  }

  get size(): number {
    return this.entries.length
  }

  list(filter?: DeadLetterFilter): ReadonlyArray<DeadLetter> {
    return this.entries.filter((e) => matchesFilter(e, filter))
  }

  /** Removes entries (replayed) from the queue and, behind, from the sink. */
  remove(seqs: ReadonlyArray<number>): void {
    if (seqs.length === 0) return
    const drop = new Set(seqs)
    this.entries = this.entries.filter((e) => !drop.has(e.seq))
    this.forget(seqs)
    this.schedule()
  }

  /** Writes what is queued now; the bus calls it when it drains. Never fails (logs instead). */
  readonly flush: Effect.Effect<void> = Effect.suspend(() => {
    this.flushScheduled = false
    const added = this.unsaved
    const removed = this.unremoved
    if (added.length === 0 && removed.length === 0) return Effect.void
    this.unsaved = []
    this.unremoved = []
    return this.sink.write(added, removed).pipe(
      // The entries stay listed and replayable in this run; only their persistence is lost.
      Effect.catch((cause) => Effect.logWarning(`${added.length} dead letters not written to the store`, cause)),
    )
  })

  private forget(seqs: ReadonlyArray<number>): void {
    if (!this.sink.persistent) return
    // `unsaved` holds, in seq order, every entry from its first seq on that is not written yet;
    // an older seq is in the sink (delete it at the next flush), a newer one was never written.
    const firstUnsaved = this.unsaved.length > 0 ? this.unsaved[0].seq : Infinity
    let dropUnsaved = false
    for (const seq of seqs) {
      if (seq < firstUnsaved) this.unremoved.push(seq)
      else dropUnsaved = true
    }
    if (dropUnsaved) {
      const drop = new Set(seqs)
      this.unsaved = this.unsaved.filter((e) => !drop.has(e.seq))
    }
  }

  private schedule(): void {
    if (this.flushScheduled || !this.sink.persistent || (this.unsaved.length === 0 && this.unremoved.length === 0))
      return
    this.flushScheduled = true
    // After the current run of the worker yields, so a burst of letters is one transaction.
    this.detach(Effect.andThen(Effect.yieldNow, this.flush))
  }
}

const matchesFilter = (e: DeadLetter, filter?: DeadLetterFilter): boolean =>
  (filter?.subscriber === undefined || e.subscriber === filter.subscriber) &&
  (filter?.seqs === undefined || filter.seqs.includes(e.seq))
