/**
 * @module Dedup by event id within a time window. Two generations of id sets rotate every
 * `windowMs`, so an id seen less than `windowMs` ago is always caught and memory is bounded
 * (at most two generations, each capped at `maxIds`; hitting the cap rotates early, which only
 * shortens the window under extreme rates and never drops a distinct id).
 */
export class DedupWindow {
  private current = new Set<string>()
  private previous = new Set<string>()
  private generationStart: number
  constructor(
    readonly windowMs: number,
    readonly maxIds: number,
    now: number,
  ) {
    this.generationStart = now
  }
  /** True when `id` was already seen within the window; otherwise records it. */
  seen(id: string, now: number): boolean {
    if (this.windowMs <= 0) return false // a zero window turns dedup off
    if (now - this.generationStart >= this.windowMs || this.current.size >= this.maxIds) {
      this.previous = now - this.generationStart >= 2 * this.windowMs ? new Set() : this.current
      this.current = new Set()
      this.generationStart = now
    }
    if (this.previous.size > 0 && this.previous.has(id)) return true
    // add + size check is one hash lookup instead of has + add.
    const before = this.current.size
    this.current.add(id)
    return this.current.size === before
  }
  get size(): number {
    return this.current.size + this.previous.size
  }
}
