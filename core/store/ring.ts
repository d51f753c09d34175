/**
 * @module The in-memory ring of recently committed events. It answers a query only when it
 * provably holds every match: all stored events newer than `coverAfter` are in the ring.
 */
import { compareStored, type Cursor } from "./cursor.ts"
import type { StoredEvent } from "./schema.ts"

export interface RingQuery {
  readonly type?: string | undefined
  readonly symbol?: string | undefined
  readonly correlationId?: string | undefined
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly after?: Cursor | undefined
  readonly order: "asc" | "desc"
  readonly limit: number
}

export const matchesQuery = (e: StoredEvent, q: RingQuery): boolean => {
  if (q.type !== undefined) {
    if (q.type.endsWith(".*") ? !e.type.startsWith(q.type.slice(0, -1)) : e.type !== q.type) return false
  }
  if (q.symbol !== undefined && (e.payload as { symbol?: unknown }).symbol !== q.symbol) return false
  if (q.correlationId !== undefined && e.correlationId !== q.correlationId) return false
  if (q.from !== undefined && e.time < q.from) return false
  if (q.to !== undefined && e.time >= q.to) return false
  if (q.after !== undefined) {
    const c = compareStored(e, q.after)
    if (q.order === "asc" ? c <= 0 : c >= 0) return false
  }
  return true
}

export class RecentRing {
  private buf: Array<StoredEvent | undefined>
  private head = 0
  private size = 0
  constructor(
    readonly capacity: number,
    /** Every stored event with a time above this is in the ring. */
    public coverAfter: number,
  ) {
    this.buf = new Array(capacity)
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
    if (this.capacity === 0) {
      for (const e of events) if (e.time > this.coverAfter) this.coverAfter = e.time
      return
    }
    for (const e of events) {
      if (this.size === this.capacity) {
        const evicted = this.buf[this.head]!
        if (evicted.time > this.coverAfter) this.coverAfter = evicted.time
        this.buf[this.head] = e
        this.head = (this.head + 1) % this.capacity
      } else {
        this.buf[(this.head + this.size) % this.capacity] = e
        this.size++
      }
    }
  }

  /** `limit + 1` matches in query order, or undefined when the ring cannot prove completeness. */
  query(q: RingQuery): Array<StoredEvent> | undefined {
    const lowerCovered = q.from !== undefined && q.from > this.coverAfter
    if (!lowerCovered && q.order === "asc") return undefined
    const found: Array<StoredEvent> = []
    for (let i = 0; i < this.size; i++) {
      const e = this.buf[(this.head + i) % this.capacity]!
      if (e.time > this.coverAfter && e.time >= this.floor && matchesQuery(e, q)) found.push(e)
    }
    found.sort(q.order === "asc" ? compareStored : (a, b) => compareStored(b, a))
    if (lowerCovered || found.length > q.limit) return found.slice(0, q.limit + 1)
    return undefined
  }
}
