/**
 * The candle arena the worker host places each batch's windows in: only what changed is written,
 * and a caller's `candlesVersion` stamp spares comparing what did not.
 */
import { describe, expect, test } from "bun:test"
import { makeCandleArena } from "../../../core/plugins/workers/candle-arena.ts"
import { COLUMNS } from "../../../core/plugins/workers/protocol.ts"

type Candles = Record<(typeof COLUMNS)[number], Float64Array>

/** `n` candles from minute `from`, close = time index + `bump` at `at`. */
const candles = (from: number, n: number, change?: { at: number; close: number }): Candles => {
  const cols = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(n)])) as Candles
  for (let i = 0; i < n; i++) {
    cols.time[i] = (from + i) * 60_000
    for (const c of COLUMNS) if (c !== "time") cols[c][i] = from + i
  }
  if (change !== undefined) cols.close[change.at] = change.close
  return cols
}

/** The window as the arena holds it (what a worker copies). */
const held = (arena: ReturnType<typeof makeCandleArena>, p: { start: number; length: number; stride: number }) => {
  const f = new Float64Array(arena.bufferFor(0)!)
  return Object.fromEntries(
    COLUMNS.map((c, k) => [c, Array.from(f.subarray(p.start + k * p.stride, p.start + k * p.stride + p.length))]),
  )
}
const plain = (c: Candles) => Object.fromEntries(COLUMNS.map((k) => [k, Array.from(c[k])]))

describe("candle arena", () => {
  test("unstamped: a changed older candle is found and written", () => {
    const arena = makeCandleArena(1 << 20)
    const a = candles(0, 100)
    const first = arena.place("X", "1m", a)!
    arena.seal()
    a.close[10] = -1
    const second = arena.place("X", "1m", a)!
    arena.seal()
    expect(second.written).toBeGreaterThan(first.written)
    expect(held(arena, second)).toEqual(plain(a))
  })

  test("the same stamp over the same memory writes nothing; a new stamp writes only the appended candles", () => {
    const arena = makeCandleArena(1 << 20)
    const memory = candles(0, 101)
    const a = Object.fromEntries(COLUMNS.map((c) => [c, memory[c].subarray(0, 100)])) as Candles
    const first = arena.place("X", "1m", a, 1)!
    arena.seal()
    const again = arena.place("X", "1m", a, 1)!
    arena.seal()
    expect(again).toEqual(first)
    // One candle appended: the window slides by one, the new candle is written behind the others.
    const b = Object.fromEntries(COLUMNS.map((c) => [c, memory[c].subarray(1, 101)])) as Candles
    const slid = arena.place("X", "1m", b, 2)!
    arena.seal()
    expect(slid.start).toBe(first.start + 1)
    expect(slid.written).toBeGreaterThan(first.written)
    expect(held(arena, slid)).toEqual(plain(b))
  })

  test("a stamped window that does not line up with what the arena holds is rewritten whole", () => {
    const arena = makeCandleArena(1 << 20)
    arena.place("X", "1m", candles(0, 100), 1)
    arena.seal()
    // Same times, another newest candle: not a continuation.
    const other = candles(1, 100, { at: 98, close: -5 })
    other.close[99] = -7
    const p = arena.place("X", "1m", other, 2)!
    expect(held(arena, p)).toEqual(plain(other))
  })

  test("a symbol that left and came back is written whole, never taken to continue its old candles", () => {
    const arena = makeCandleArena(1 << 20)
    arena.place("X", "1m", candles(0, 100), 1)
    arena.place("Y", "1m", candles(0, 100), 1)
    arena.seal()
    arena.retain(new Set(["Y"]))
    // Back with the same times but an older candle that differs: written whole.
    const back = candles(1, 100, { at: 50, close: -3 })
    const p = arena.place("X", "1m", back, 7)!
    expect(held(arena, p)).toEqual(plain(back))
    const y = arena.place("Y", "1m", candles(0, 100), 1)!
    expect(held(arena, y)).toEqual(plain(candles(0, 100)))
  })
})
