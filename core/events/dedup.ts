/**
 * @module Dedup by event id within a time window. Two generations rotate every `windowMs`, so an
 * id seen less than `windowMs` ago is always caught and memory is bounded (at most two
 * generations, each capped at `maxIds`; hitting the cap rotates early, which only shortens the
 * window under extreme rates and never drops a distinct id).
 *
 * Ids minted by this process are kept by their counter in a bitmap (`CounterSet`): a few char
 * reads and one bit test instead of hashing the string into a large Set, which was most of the
 * cost of dispatching a deduplicated type. Every other id (other processes, replays of old
 * recordings) goes into a string Set as before. Both are exact.
 */
import { localCounter } from "./event-id.ts"

const BLOCK = 1024 // counters per block: 32 words of 32 bits
const WORDS = BLOCK / 32

/** An exact set of non-negative integers below 2^40, stored as bitmap blocks. */
export class CounterSet {
  private blocks = new Map<number, Uint32Array>()
  // Counters arrive nearly in order, so the last block answers almost every lookup.
  private lastKey = -1
  private last: Uint32Array = new Uint32Array(WORDS)
  size = 0

  get blockCount(): number {
    return this.blocks.size
  }

  private block(key: number, create: boolean): Uint32Array | undefined {
    if (key === this.lastKey) return this.last
    let block = this.blocks.get(key)
    if (block === undefined) {
      if (!create) return undefined
      block = new Uint32Array(WORDS)
      this.blocks.set(key, block)
    }
    this.lastKey = key
    this.last = block
    return block
  }

  has(n: number): boolean {
    if (this.size === 0) return false
    const key = Math.floor(n / BLOCK)
    const block = this.block(key, false)
    if (block === undefined) return false
    const bit = n - key * BLOCK
    return (block[bit >>> 5] & (1 << (bit & 31))) !== 0
  }

  /** True when `n` was already present; otherwise adds it. */
  addIfAbsent(n: number): boolean {
    const key = Math.floor(n / BLOCK)
    const block = this.block(key, true)!
    const bit = n - key * BLOCK
    const word = bit >>> 5
    const mask = 1 << (bit & 31)
    if ((block[word] & mask) !== 0) return true
    block[word] |= mask
    this.size++
    return false
  }
}

export class DedupWindow {
  private current = new Set<string>()
  private previous = new Set<string>()
  private currentLocal = new CounterSet()
  private previousLocal = new CounterSet()
  private generationStart: number
  /** Sparse counters (a rare type among many) cost a block each: cap blocks as well as ids. */
  private readonly maxBlocks: number
  constructor(
    readonly windowMs: number,
    readonly maxIds: number,
    now: number,
  ) {
    this.generationStart = now
    this.maxBlocks = Math.max(64, Math.ceil(maxIds / 32))
  }

  private rotate(now: number): void {
    const expired = now - this.generationStart >= 2 * this.windowMs
    this.previous = expired ? new Set() : this.current
    this.previousLocal = expired ? new CounterSet() : this.currentLocal
    this.current = new Set()
    this.currentLocal = new CounterSet()
    this.generationStart = now
  }

  /** True when `id` was already seen within the window; otherwise records it. */
  seen(id: string, now: number): boolean {
    if (this.windowMs <= 0) return false // a zero window turns dedup off
    if (
      now - this.generationStart >= this.windowMs ||
      this.current.size + this.currentLocal.size >= this.maxIds ||
      this.currentLocal.blockCount >= this.maxBlocks
    ) {
      this.rotate(now)
    }
    const n = localCounter(id)
    if (n >= 0) return this.previousLocal.has(n) || this.currentLocal.addIfAbsent(n)
    if (this.previous.size > 0 && this.previous.has(id)) return true
    // add + size check is one hash lookup instead of has + add.
    const before = this.current.size
    this.current.add(id)
    return this.current.size === before
  }

  get size(): number {
    return this.current.size + this.previous.size + this.currentLocal.size + this.previousLocal.size
  }
}
