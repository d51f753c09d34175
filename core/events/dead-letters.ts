/**
 * @module The dead-letter queue: events a handler could not take after its retries (or while
 * its circuit was open). Bounded; the oldest entry is evicted and counted when full.
 */
import type { VirtuosoEvent } from "./catalogue.ts"

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
  private nextSeq = 1
  evicted = 0
  constructor(readonly capacity: number) {}

  add(subscriber: string, events: ReadonlyArray<VirtuosoEvent>, error: string, attempts: number, time: number): void {
    for (const event of events) {
      this.entries.push({ seq: this.nextSeq++, subscriber, event, error, attempts, time })
    }
    const excess = this.entries.length - this.capacity
    if (excess > 0) {
      this.entries.splice(0, excess)
      this.evicted += excess
    }
  }

  get size(): number {
    return this.entries.length
  }

  list(filter?: DeadLetterFilter): ReadonlyArray<DeadLetter> {
    return this.entries.filter((e) => matchesFilter(e, filter))
  }

  /** Removes and returns the matching entries (the bus re-delivers them). */
  take(filter?: DeadLetterFilter): ReadonlyArray<DeadLetter> {
    const taken: Array<DeadLetter> = []
    const kept: Array<DeadLetter> = []
    for (const e of this.entries) (matchesFilter(e, filter) ? taken : kept).push(e)
    this.entries = kept
    return taken
  }
}

const matchesFilter = (e: DeadLetter, filter?: DeadLetterFilter): boolean =>
  (filter?.subscriber === undefined || e.subscriber === filter.subscriber) &&
  (filter?.seqs === undefined || filter.seqs.includes(e.seq))
