/** Event ids minted per process, the counter bitmap, and dedup over local and foreign ids. */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { EventBus, makeEvent, makeEventIdUnsafe } from "../../../core/events/index.ts"
import { CounterSet, DedupWindow } from "../../../core/events/dedup.ts"
import { localCounter, mintEventId } from "../../../core/events/event-id.ts"
import { runBusTestClock } from "./support.ts"

describe("event ids", () => {
  test("minted ids are ULID-shaped, strictly increasing, and carry a counter only this process reads", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => mintEventId(1_700_000_000_000 + Math.floor(i / 7), Math.random))
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    const counters = ids.map(localCounter)
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBe(counters[i - 1] + 1)
    // Same tag, other counter / another process's tag / random ids / other shapes: not local or not equal.
    expect(localCounter(ids[5].slice(0, 18) + "ZZZZZZZZ")).toBe(32 ** 8 - 1)
    expect(localCounter(ids[5].slice(0, 10) + "00000000" + ids[5].slice(18))).toBe(-1)
    expect(localCounter(makeEventIdUnsafe(1, () => 0.5))).toBe(-1)
    expect(localCounter("FIXED-0")).toBe(-1)
    expect(localCounter(ids[5].slice(0, 25) + "u")).toBe(-1)
  })

  test("makeEvent mints with this process's id source; the time prefix follows the Clock", async () => {
    const [a, b] = await Effect.runPromise(
      Effect.gen(function* () {
        yield* TestClock.setTime(86_400_000)
        return [
          yield* makeEvent("system.started", {}, { source: "t" }),
          yield* makeEvent("system.started", {}, { source: "t" }),
        ]
      }).pipe(Effect.provide(TestClock.layer())),
    )
    expect(localCounter(b.id)).toBe(localCounter(a.id) + 1)
    expect(a.id.slice(0, 10)).toBe(makeEventIdUnsafe(86_400_000, () => 0).slice(0, 10))
    expect(a.time).toBe(86_400_000)
  })
})

describe("CounterSet", () => {
  test("agrees with a Set on a mix of dense, repeated and far-apart counters", () => {
    const bits = new CounterSet()
    const set = new Set<number>()
    let seed = 42
    const next = () => (seed = (seed * 16807) % 2147483647)
    for (let i = 0; i < 20_000; i++) {
      const r = next()
      const n = r % 3 === 0 ? r % 5000 : r % 3 === 1 ? 2 ** 39 + (r % 3000) : r * 511
      expect(bits.addIfAbsent(n)).toBe(set.has(n))
      set.add(n)
      const probe = next() % 6000
      expect(bits.has(probe)).toBe(set.has(probe))
    }
    expect(bits.size).toBe(set.size)
  })
})

describe("dedup window", () => {
  test("local and foreign ids are both caught within the window and forgotten after two", () => {
    const w = new DedupWindow(1000, 100_000, 0)
    const local = mintEventId(0, Math.random)
    const foreign = makeEventIdUnsafe(0, Math.random)
    expect([w.seen(local, 0), w.seen(foreign, 0), w.seen(local, 10), w.seen(foreign, 10)]).toEqual([
      false,
      false,
      true,
      true,
    ])
    // Rotated once: still remembered by the previous generation.
    expect([w.seen(local, 1500), w.seen(foreign, 1500)]).toEqual([true, true])
    // Two idle windows later the old generation is gone.
    expect([w.seen(local, 5000), w.seen(foreign, 5000)]).toEqual([false, false])
  })

  test("the id cap rotates early but never forgets the generation just closed", () => {
    const w = new DedupWindow(60_000, 100, 0)
    const ids = Array.from({ length: 150 }, () => mintEventId(0, Math.random))
    for (const id of ids) expect(w.seen(id, 0)).toBe(false)
    // ids[60..149] are in the current or the previous generation.
    for (const id of ids.slice(60)) expect(w.seen(id, 1)).toBe(true)
  })

  test(
    "through the bus: a re-published local event is dropped, a foreign id twice too, " + "distinct ids pass",
    async () => {
      const seen = await runBusTestClock(
        Effect.gen(function* () {
          const bus = yield* EventBus
          const seen: Array<string> = []
          yield* bus.subscribe("market.trades", (e) => Effect.sync(() => seen.push(e.id)), { name: "t" })
          const mk = (price: number) =>
            makeEvent(
              "market.trades",
              { symbol: "X", trades: [{ id: "1", time: 0, price, amount: 1, side: "buy" }] },
              { source: "t" },
            )
          const a = yield* mk(1)
          const b = yield* mk(2)
          const foreign = { ...(yield* mk(3)), id: makeEventIdUnsafe(0, () => 0.25) }
          yield* bus.publishAll([a, b, foreign, a, foreign, b])
          yield* bus.publishAll([foreign, a])
          yield* bus.drain("1 second")
          return { seen, ids: [a.id, b.id, foreign.id], stats: yield* bus.stats }
        }),
      )
      expect(seen.seen).toEqual(seen.ids)
      expect(seen.stats.deduplicated).toBe(5)
    },
  )
})
