/** The recent ring answers only what it provably holds completely. */
import { expect, test } from "bun:test"
import { RecentRing } from "../../../core/store/ring.ts"
import type { StoredEvent } from "../../../core/store/index.ts"

const ev = (seq: number, time: number): StoredEvent =>
  ({
    seq,
    id: `e${seq}`,
    type: "signal.emitted",
    version: 1,
    time,
    source: "t",
    payload: { symbol: "X", direction: "long", score: 1 },
  }) as StoredEvent

test("after evictions the ring answers only queries above the newest evicted time", () => {
  const ring = new RecentRing(3, -Infinity)
  ring.add([ev(1, 10), ev(2, 50), ev(3, 20), ev(4, 30), ev(5, 40)]) // evicts times 10 and 50
  expect(ring.coverAfter).toBe(50)
  // Events at 20..40 are in the ring but an event at 45 could exist elsewhere: not answerable.
  expect(ring.query({ type: "signal.emitted", order: "asc", limit: 10, from: 15 })).toBeUndefined()
  expect(ring.query({ type: "signal.emitted", order: "asc", limit: 10 })).toBeUndefined()
  ring.add([ev(6, 60), ev(7, 70), ev(8, 80)]) // evicts 20, 30, 40
  expect(ring.query({ type: "signal.emitted", order: "asc", limit: 10, from: 55 })?.map((e) => e.seq)).toEqual([
    6, 7, 8,
  ])
  // Newest-first with enough matches above the cover line is answerable without `from`.
  expect(ring.query({ type: "signal.emitted", order: "desc", limit: 2 })?.map((e) => e.seq)).toEqual([8, 7, 6])
  // ...but not when it would have to reach below it.
  expect(ring.query({ type: "signal.emitted", order: "desc", limit: 5 })).toBeUndefined()
  ring.forgetBefore(75)
  expect(ring.query({ type: "signal.emitted", order: "asc", limit: 10, from: 55 })?.map((e) => e.seq)).toEqual([8])
})

// Times in commit order (the usual case: a newest-first query stops after a page) and with clocks going back.
for (const [label, timeOf] of [
  ["in order", (seq: number) => 1000 + seq - (seq % 2)],
  ["out of order", (seq: number) => 1000 + seq - (seq % 4) * 2],
] as const) {
  test(`queries by type and by symbol visit only their own events, answering as a full scan (times ${label})`, () => {
    const types = ["signal.emitted", "analysis.confluence", "health.changed"] as const
    const symbols = ["A", "B", "C", "D", "E"]
    const event = (seq: number): StoredEvent =>
      ({
        seq,
        id: `e${seq}`,
        type: types[seq % 3],
        version: 1,
        time: timeOf(seq),
        source: "t",
        payload: { symbol: symbols[(seq * 7) % 5], score: 1 },
      }) as StoredEvent
    const ring = new RecentRing(50, -Infinity)
    // A reference without eviction to compare to: everything ever added, filtered and sorted here.
    const all: Array<StoredEvent> = []
    let answered = 0
    for (let batch = 0; batch < 20; batch++) {
      const events = Array.from({ length: 13 }, (_, i) => event(batch * 13 + i + 1))
      ring.add(events)
      all.push(...events)
      for (const q of [
        { type: "signal.emitted", order: "desc" as const, limit: 3 },
        { type: "analysis.*", symbol: "B", order: "desc" as const, limit: 4 },
        { type: "analysis.confluence", symbol: "C", order: "desc" as const, limit: 2 },
        { type: "health.changed", order: "desc" as const, limit: 5 },
      ]) {
        const answer = ring.query(q)
        if (answer === undefined) continue
        answered++
        const expected = all
          .filter((e) => e.time > ring.coverAfter)
          .filter((e) => (q.type.endsWith(".*") ? e.type.startsWith(q.type.slice(0, -1)) : e.type === q.type))
          .filter((e) => !("symbol" in q) || (e.payload as { symbol: string }).symbol === q.symbol)
          .sort((a, b) => b.time - a.time || b.seq - a.seq)
          .slice(0, q.limit + 1)
        expect(answer.map((e) => e.seq)).toEqual(expected.map((e) => e.seq))
      }
    }
    expect(answered).toBeGreaterThan(40)
    // Rare type, few in the ring: not answerable without a scan, so it is handed to the tiers.
    expect(ring.query({ type: "system.started", order: "desc", limit: 5 })).toBeUndefined()
  })
}

test("recorded market inputs are not kept; a query that could match one is left to the tiers", () => {
  const ring = new RecentRing(10, -Infinity)
  const market = (seq: number): StoredEvent =>
    ({ ...ev(seq, seq * 10), type: "market.trades", payload: { symbol: "X", trades: [] } }) as StoredEvent
  ring.add([ev(1, 10), market(2), ev(3, 30), market(4), ev(5, 50)])
  expect(ring.length).toBe(3)
  expect(ring.query({ type: "signal.emitted", order: "desc", limit: 1 })?.map((e) => e.seq)).toEqual([5, 3])
  for (const type of [undefined, "market.trades", "market.*"])
    expect(ring.query({ ...(type === undefined ? {} : { type }), order: "desc", limit: 1 })).toBeUndefined()
  expect(ring.query({ symbol: "X", order: "desc", limit: 1 })).toBeUndefined()
})
