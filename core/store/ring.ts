/**
 * @module The in-memory ring of recently committed events. It answers a query only when it
 * provably holds every match: all stored events newer than `coverAfter` are in the ring.
 */
import type { VirtuosoEvent } from "../events/index.ts"
import type { StoredEvent, TierQuery } from "./schema.ts"

export const matchesQuery = (e: StoredEvent, q: TierQuery): boolean => matchesAt(e, e.seq, q)

/** `matchesQuery` for an event whose seq is held beside it. */
const matchesAt = (e: VirtuosoEvent, seq: number, q: TierQuery): boolean => {
  if (q.type !== undefined) {
    if (q.type.endsWith(".*") ? !e.type.startsWith(q.type.slice(0, -1)) : e.type !== q.type) return false
  }
  if (q.symbol !== undefined && (e.payload as { symbol?: unknown }).symbol !== q.symbol) return false
  if (q.correlationId !== undefined && e.correlationId !== q.correlationId) return false
  if (q.from !== undefined && e.time < q.from) return false
  if (q.to !== undefined && e.time >= q.to) return false
  if (q.after !== undefined) {
    const c = e.time - q.after.time || seq - q.after.seq
    if (q.order === "asc" ? c <= 0 : c >= 0) return false
  }
  return true
}

/**
 * Events are kept beside their seqs and become `StoredEvent`s only when a query returns them:
 * building one per committed event (a spread) was a measurable share of the write path.
 */
export class RecentRing {
  private events: Array<VirtuosoEvent | undefined>
  private seqs: Float64Array
  private head = 0
  private size = 0
  constructor(
    readonly capacity: number,
    /** Every stored event with a time above this is in the ring. */
    public coverAfter: number,
  ) {
    this.events = new Array(capacity)
    this.seqs = new Float64Array(capacity)
  }

  /** Events before this were dropped by retention; the ring must not resurrect them. */
  private floor = -Infinity

  get length(): number {
    return this.size
  }

  forgetBefore(time: number): void {
    if (time > this.floor) this.floor = time
  }

  add(events: ReadonlyArray<StoredEvent>): void {
    this.addCommitted(
      events,
      events.map((e) => e.seq),
    )
  }

  /** Adds committed events; `seqs[i]` is the seq of `events[i]`. */
  addCommitted(events: ReadonlyArray<VirtuosoEvent>, seqs: ReadonlyArray<number>): void {
    if (this.capacity === 0) {
      for (const e of events) if (e.time > this.coverAfter) this.coverAfter = e.time
      return
    }
    for (let i = 0; i < events.length; i++) {
      const e = events[i]
      if (this.size === this.capacity) {
        const evicted = this.events[this.head]!
        if (evicted.time > this.coverAfter) this.coverAfter = evicted.time
        this.events[this.head] = e
        this.seqs[this.head] = seqs[i]
        this.head = (this.head + 1) % this.capacity
      } else {
        const at = (this.head + this.size) % this.capacity
        this.events[at] = e
        this.seqs[at] = seqs[i]
        this.size++
      }
    }
  }

  /** `limit + 1` matches in query order, or undefined when the ring cannot prove completeness. */
  query(q: TierQuery): Array<StoredEvent> | undefined {
    const lowerCovered = q.from !== undefined && q.from > this.coverAfter
    if (!lowerCovered && q.order === "asc") return undefined
    const found: Array<number> = []
    for (let i = 0; i < this.size; i++) {
      const at = (this.head + i) % this.capacity
      const e = this.events[at]!
      if (e.time > this.coverAfter && e.time >= this.floor && matchesAt(e, this.seqs[at], q)) found.push(at)
    }
    const asc = (a: number, b: number) => this.events[a]!.time - this.events[b]!.time || this.seqs[a] - this.seqs[b]
    found.sort(q.order === "asc" ? asc : (a, b) => asc(b, a))
    if (!lowerCovered && found.length <= q.limit) return undefined
    return found.slice(0, q.limit + 1).map((at) => ({ ...this.events[at]!, seq: this.seqs[at] }) as StoredEvent)
  }
}
