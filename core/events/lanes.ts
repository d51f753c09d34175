/**
 * @module Priority lanes: bounded ring buffers and the weighted fair pick between them.
 * Plain synchronous code so the dispatch hot path allocates nothing per event.
 */

export type Lane = "critical" | "high" | "normal" | "low"
export const LANES: ReadonlyArray<Lane> = ["critical", "high", "normal", "low"]
export const laneIndex = (lane: Lane): number =>
  lane === "critical" ? 0 : lane === "high" ? 1 : lane === "normal" ? 2 : 3

/** What a full lane does to a publisher: wait for space, or evict the oldest event and count it. */
export type BackpressurePolicy = "wait" | "drop-oldest"

/** A growable bounded FIFO: grows up to `capacity`, never beyond. */
export class Ring<A> {
  // The buffer's length is a power of two so positions wrap with a mask, not a division.
  private buf: Array<A | undefined>
  private mask: number
  private head = 0
  private size = 0
  /** Place of the oldest queued value: values are numbered in push order, from 0. */
  private first = 0
  constructor(readonly capacity: number) {
    this.buf = new Array(pow2AtLeast(Math.min(capacity, 64)))
    this.mask = this.buf.length - 1
  }
  get length(): number {
    return this.size
  }
  get full(): boolean {
    return this.size >= this.capacity
  }
  /** The place the next pushed value gets. */
  get end(): number {
    return this.first + this.size
  }
  /** Puts `value` in the place of the one pushed at `at`, if that one is still queued. */
  replaceAt(at: number, value: A): boolean {
    const k = at - this.first
    if (k < 0 || k >= this.size) return false
    this.buf[(this.head + k) & this.mask] = value
    return true
  }
  push(value: A): void {
    if (this.size === this.buf.length) this.grow()
    this.buf[(this.head + this.size) & this.mask] = value
    this.size++
  }
  shift(): A | undefined {
    if (this.size === 0) return undefined
    const value = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.size--
    this.first++
    return value
  }
  clear(): Array<A> {
    const out: Array<A> = []
    while (this.size > 0) out.push(this.shift() as A)
    return out
  }
  private grow(): void {
    const next = new Array<A | undefined>(this.buf.length * 2)
    for (let i = 0; i < this.size; i++) next[i] = this.buf[(this.head + i) & this.mask]
    this.buf = next
    this.mask = next.length - 1
    this.head = 0
  }
}

const pow2AtLeast = (n: number): number => {
  let p = 1
  while (p < n) p *= 2
  return p
}

/**
 * Weights per lane for weighted fair dispatch: out of every 15 picks with all lanes busy,
 * critical gets 8, high 4, normal 2, low 1 — so low is never starved.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<Lane, number>> = { critical: 8, high: 4, normal: 2, low: 1 }

/** Builds the pick order for one round, interleaved so no lane waits a whole round (critical first). */
export const buildSchedule = (weights: Readonly<Record<Lane, number>>): ReadonlyArray<number> => {
  // Smooth weighted round robin (as in nginx): deterministic and evenly spread.
  const w = LANES.map((l) => Math.max(1, Math.floor(weights[l])))
  const total = w.reduce((a, b) => a + b, 0)
  const current = [0, 0, 0, 0]
  const out: Array<number> = []
  for (let n = 0; n < total; n++) {
    let best = 0
    for (let i = 0; i < 4; i++) {
      current[i] += w[i]
      if (current[i] > current[best]) best = i
    }
    current[best] -= total
    out.push(best)
  }
  return out
}

/** Four lanes plus the cursor into the weighted schedule. */
export class LaneSet<A> {
  readonly lanes: ReadonlyArray<Ring<A>>
  readonly dropped = [0, 0, 0, 0]
  /** Events in all four lanes, kept as a field: it is read for every event taken. */
  depth = 0
  /** The lane the last `take` came from. */
  lastLane = 0
  private cursor = 0
  constructor(
    capacity: number,
    private readonly schedule: ReadonlyArray<number>,
  ) {
    this.lanes = [new Ring<A>(capacity), new Ring<A>(capacity), new Ring<A>(capacity), new Ring<A>(capacity)]
  }
  /**
   * Adds to a lane unless it is full and `wait` (then false: the caller suspends and retries);
   * a full lane that does not wait evicts its oldest (counted).
   */
  offer(lane: number, value: A, wait: boolean): boolean {
    const ring = this.lanes[lane]
    if (ring.full) {
      if (wait) return false
      ring.shift()
      this.dropped[lane]++
    } else this.depth++
    ring.push(value)
    return true
  }
  /** Adds to a lane; when it is full, evicts that lane's oldest (counted) — callers decide first. */
  push(lane: number, value: A): void {
    const ring = this.lanes[lane]
    if (ring.full) {
      ring.shift()
      this.dropped[lane]++
    } else this.depth++
    ring.push(value)
  }
  /** Takes the next event by the weighted schedule; an empty slot falls to the highest busy lane. */
  take(): A | undefined {
    if (this.depth === 0) return undefined
    const slot = this.schedule[this.cursor]
    this.cursor = this.cursor + 1 === this.schedule.length ? 0 : this.cursor + 1
    let lane = slot
    if (this.lanes[lane].length === 0) {
      lane = 0
      while (this.lanes[lane].length === 0) lane++
    }
    // Every busy period starts a fresh round, so its first pick is critical.
    if (--this.depth === 0) this.cursor = 0
    this.lastLane = lane
    return this.lanes[lane].shift()
  }
}
