/**
 * @module The in-memory ring of recently committed events. It answers a query only when it
 * provably holds every match: all stored events newer than `coverAfter` are in the ring.
 */
import { symbolOf, type VirtuosoEvent } from "../events/index.ts"
import { isMarketRow } from "./market-rows.ts"
import { typePasses } from "./scan-filter.ts"
import type { StoredEvent, TierQuery } from "./schema.ts"

/** Whether a query's type (exact, `prefix.*` or none) can match a market input the ring does not keep. */
const mayMatchMarketRows = (type: string | undefined): boolean => {
  if (type === undefined) return true
  if (!type.endsWith(".*")) return isMarketRow(type)
  const prefix = type.slice(0, -1)
  return "market.".startsWith(prefix) || prefix.startsWith("market.")
}

export const matchesQuery = (e: StoredEvent, q: TierQuery): boolean => matchesAt(e, e.seq, q)

/** `matchesQuery` for an event whose seq is held beside it. */
const matchesAt = (e: VirtuosoEvent, seq: number, q: TierQuery): boolean => {
  if (!typePasses(q.type, e.type)) return false
  if (q.symbol !== undefined && symbolOf(e) !== q.symbol) return false
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
 * Ring slots in commit order; the ring evicts in that order too, so removal is always at the
 * head. It also knows whether its events' times are in order (they are unless a publisher's clock
 * went back), which lets a newest-first query stop after one page.
 */
class SlotQueue {
  private slots: Array<number> = []
  private head = 0
  private lastTime = -Infinity
  /** Index of the newest slot whose time went back from the previous one (−1: none). */
  private inversion = -1
  get length(): number {
    return this.slots.length - this.head
  }
  /** Times never decrease from head to tail. */
  get ordered(): boolean {
    return this.inversion <= this.head
  }
  push(slot: number, time: number): void {
    if (time < this.lastTime) this.inversion = this.slots.length
    this.lastTime = time
    this.slots.push(slot)
  }
  shift(): void {
    this.head++
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head)
      this.inversion -= this.head
      this.head = 0
    }
  }
  forEach(f: (slot: number) => void): void {
    for (let i = this.head; i < this.slots.length; i++) f(this.slots[i]!)
  }
  /** Newest first until `f` returns false. */
  someFromTail(f: (slot: number) => boolean): void {
    for (let i = this.slots.length - 1; i >= this.head; i--) if (!f(this.slots[i]!)) return
  }
}

/**
 * Events are kept beside their seqs and become `StoredEvent`s only when a query returns them:
 * building one per committed event (a spread) was a measurable share of the write path.
 *
 * The slots are indexed by event type and by symbol, so a query for one type or one symbol visits
 * only its own events (a signal query does not scan thousands of confluence events), and knows
 * without scanning when the ring holds too few matches to answer.
 *
 * The recorded market inputs (market-rows.ts) are not kept: they are most of the rows, so at 200
 * symbols they filled ten thousand slots in seconds (≈ 25 MB of books and trades) and pushed out
 * the events the API reads. A query that could match one is left to SQLite.
 */
export class RecentRing {
  private readonly byType = new Map<string, SlotQueue>()
  private readonly bySymbol = new Map<string, SlotQueue>()
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
      if (isMarketRow(e.type)) continue
      let at: number
      if (this.size === this.capacity) {
        const evicted = this.events[this.head]!
        if (evicted.time > this.coverAfter) this.coverAfter = evicted.time
        this.unindex(evicted)
        at = this.head
        this.head = (this.head + 1) % this.capacity
      } else {
        at = (this.head + this.size) % this.capacity
        this.size++
      }
      this.events[at] = e
      this.seqs[at] = seqs[i]
      this.index(this.byType, e.type, at, e.time)
      const symbol = symbolOf(e)
      if (symbol !== undefined) this.index(this.bySymbol, symbol, at, e.time)
    }
  }

  private index(map: Map<string, SlotQueue>, key: string, slot: number, time: number): void {
    let queue = map.get(key)
    if (queue === undefined) map.set(key, (queue = new SlotQueue()))
    queue.push(slot, time)
  }

  private unindex(e: VirtuosoEvent): void {
    const drop = (map: Map<string, SlotQueue>, key: string) => {
      const queue = map.get(key)!
      queue.shift()
      // Symbols come and go (top-N churn): keep no empty queues behind.
      if (queue.length === 0) map.delete(key)
    }
    drop(this.byType, e.type)
    const symbol = symbolOf(e)
    if (symbol !== undefined) drop(this.bySymbol, symbol)
  }

  /** The slots that can match: one type's or one symbol's (the fewer), else every slot. */
  private candidates(q: TierQuery): SlotQueue | undefined {
    const empty = new SlotQueue()
    const ofType = q.type === undefined || q.type.endsWith(".*") ? undefined : (this.byType.get(q.type) ?? empty)
    const ofSymbol = q.symbol === undefined ? undefined : (this.bySymbol.get(q.symbol) ?? empty)
    if (ofType === undefined) return ofSymbol
    return ofSymbol === undefined || ofType.length <= ofSymbol.length ? ofType : ofSymbol
  }

  /** `limit + 1` matches in query order, or undefined when the ring cannot prove completeness. */
  query(q: TierQuery): Array<StoredEvent> | undefined {
    if (mayMatchMarketRows(q.type)) return undefined
    const lowerCovered = q.from !== undefined && q.from > this.coverAfter
    if (!lowerCovered && q.order === "asc") return undefined
    const found: Array<number> = []
    const visit = (at: number) => {
      const e = this.events[at]!
      if (e.time > this.coverAfter && e.time >= this.floor && matchesAt(e, this.seqs[at], q)) found.push(at)
    }
    const candidates = this.candidates(q)
    if (candidates === undefined) for (let i = 0; i < this.size; i++) visit((this.head + i) % this.capacity)
    else {
      // Too few candidates to fill a page: the ring cannot prove there are no older matches.
      if (!lowerCovered && candidates.length <= q.limit) return undefined
      if (q.order === "desc" && candidates.ordered) {
        // Commit order is (time, seq) order here: walk back from the newest, stop after a page.
        candidates.someFromTail((at) => {
          if (this.events[at]!.time <= this.coverAfter) return false
          visit(at)
          return found.length <= q.limit
        })
      } else candidates.forEach(visit)
    }
    const asc = (a: number, b: number) => this.events[a]!.time - this.events[b]!.time || this.seqs[a] - this.seqs[b]
    found.sort(q.order === "asc" ? asc : (a, b) => asc(b, a))
    if (!lowerCovered && found.length <= q.limit) return undefined
    return found.slice(0, q.limit + 1).map((at) => ({ ...this.events[at]!, seq: this.seqs[at] }) as StoredEvent)
  }
}
