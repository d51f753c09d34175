/**
 * @module Superseded snapshots: a subscription that opts in (`SubscribeOptions.supersede`) keeps
 * at most one queued order book or ticker per symbol while nothing queued reads it, so a
 * subscriber that falls behind holds a bounded backlog of them instead of every one published.
 *
 * A snapshot type (`snapshot` in the catalogue: never durable, each one the whole state) that
 * arrives while an older one of its type and symbol still waits in the same lane takes the older
 * one's place — unless an event of one of the subscriber's `readers` types about that symbol (or
 * about no symbol) was queued after the older one. Up to the next reader the subscriber's state
 * holds only the newest snapshot, so handling both or only the newer in the older's place ends
 * in the same state at every read: the subscriber computes what it would have from the whole
 * sequence (what the recorder stores and a replay feeds). A replacement needs no free slot, so a
 * full lane still takes it.
 */
import { isSnapshot, symbolOf, type EventType, type VirtuosoEvent } from "./catalogue.ts"
import type { LaneSet } from "./lanes.ts"

export interface SupersedeOptions {
  /** Event types whose handling reads the snapshots of their symbol (of every symbol when they name none). */
  readonly readers: ReadonlyArray<EventType>
}

/** Where the newest queued snapshot of one type and symbol sits: its lane and place in it. */
interface Slot {
  lane: number
  at: number
}

export class Superseder {
  private readonly readers: ReadonlySet<string>
  /** Per snapshot type, per symbol: the newest one queued (or already taken: `at` tells). */
  private readonly slots = new Map<string, Map<string, Slot>>()
  /** Per lane, per symbol: the place of the newest reader queued about it. */
  private readonly readAt: ReadonlyArray<Map<string, number>> = [new Map(), new Map(), new Map(), new Map()]
  /** Per lane: the place of the newest reader queued about no symbol (it reads them all). */
  private readonly readAllAt = [-1, -1, -1, -1]
  /** Snapshots that took an older one's place. */
  superseded = 0

  constructor(options: SupersedeOptions) {
    this.readers = new Set(options.readers)
  }

  /** Offers `event` to `lanes` as `LaneSet.offer` does, first trying to replace a superseded snapshot. */
  offer(lanes: LaneSet<VirtuosoEvent>, event: VirtuosoEvent, lane: number, wait: boolean): boolean {
    const type = event.type
    const reader = this.readers.has(type)
    if (!reader && !isSnapshot(type)) return lanes.offer(lane, event, wait)
    const symbol = symbolOf(event)
    const ring = lanes.lanes[lane]
    const at = ring.end
    if (reader) {
      if (!lanes.offer(lane, event, wait)) return false
      if (symbol === undefined) this.readAllAt[lane] = at
      else this.readAt[lane].set(symbol, at)
      return true
    }
    if (symbol === undefined) return lanes.offer(lane, event, wait)
    let bySymbol = this.slots.get(type)
    if (bySymbol === undefined) this.slots.set(type, (bySymbol = new Map()))
    const slot = bySymbol.get(symbol)
    if (
      slot !== undefined &&
      slot.lane === lane &&
      slot.at > (this.readAt[lane].get(symbol) ?? -1) &&
      slot.at > this.readAllAt[lane] &&
      ring.replaceAt(slot.at, event)
    ) {
      this.superseded++
      return true
    }
    if (!lanes.offer(lane, event, wait)) return false
    if (slot === undefined) bySymbol.set(symbol, { lane, at })
    else {
      slot.lane = lane
      slot.at = at
    }
    return true
  }
}
