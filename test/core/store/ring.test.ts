/** The recent ring answers only what it provably holds completely. */
import { expect, test } from "bun:test"
import { RecentRing } from "../../../core/store/ring.ts"
import type { StoredEvent } from "../../../core/store/index.ts"

const ev = (seq: number, time: number): StoredEvent =>
  ({ seq, id: `e${seq}`, type: "signal.emitted", version: 1, time, source: "t", payload: { symbol: "X", direction: "long", score: 1 } }) as StoredEvent

test("after evictions the ring answers only queries above the newest evicted time", () => {
  const ring = new RecentRing(3, -Infinity)
  ring.add([ev(1, 10), ev(2, 50), ev(3, 20), ev(4, 30), ev(5, 40)]) // evicts times 10 and 50
  expect(ring.coverAfter).toBe(50)
  // Events at 20..40 are in the ring but an event at 45 could exist elsewhere: not answerable.
  expect(ring.query({ order: "asc", limit: 10, from: 15 })).toBeUndefined()
  expect(ring.query({ order: "asc", limit: 10 })).toBeUndefined()
  ring.add([ev(6, 60), ev(7, 70), ev(8, 80)]) // evicts 20, 30, 40
  expect(ring.query({ order: "asc", limit: 10, from: 55 })?.map((e) => e.seq)).toEqual([6, 7, 8])
  // Newest-first with enough matches above the cover line is answerable without `from`.
  expect(ring.query({ order: "desc", limit: 2 })?.map((e) => e.seq)).toEqual([8, 7, 6])
  // ...but not when it would have to reach below it.
  expect(ring.query({ order: "desc", limit: 5 })).toBeUndefined()
  ring.forgetBefore(75)
  expect(ring.query({ order: "asc", limit: 10, from: 55 })?.map((e) => e.seq)).toEqual([8])
})
