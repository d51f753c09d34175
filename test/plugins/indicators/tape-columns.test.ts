/**
 * A tape's columns (`scoring.tapeColumns`) as the tape moves the way Analysis keeps it (new
 * trades appended, the oldest dropped), and the tape sums read from them, each pinned against
 * reading the trade objects from scratch.
 */
import { describe, expect, test } from "bun:test"
import { pushArrayTape as pushTape } from "../../support/array-tape.ts"
import { scoring as s, type Trade } from "../../../core/plugins/sdk.ts"
import { loadCandles, loadPlugins, run, syntheticTrades, tapeOf } from "./support.ts"

const fields = (trades: ReadonlyArray<Trade>) => ({
  price: trades.map((t) => t.price),
  amount: trades.map((t) => t.amount),
  time: trades.map((t) => t.time),
  buy: trades.map((t) => (t.side === "buy" ? 1 : 0)),
  buyAmount: trades.map((t) => (t.side === "buy" ? t.amount : 0)),
  sellAmount: trades.map((t) => (t.side === "buy" ? 0 : t.amount)),
})
const read = (c: s.TapeColumns) => ({
  price: [...c.price.subarray(0, c.length)],
  amount: [...c.amount.subarray(0, c.length)],
  time: [...c.time.subarray(0, c.length)],
  buy: [...c.buy.subarray(0, c.length)],
  buyAmount: [...c.buyAmount.subarray(0, c.length)],
  sellAmount: [...c.sellAmount.subarray(0, c.length)],
})

// The sums as the trade objects give them, in the same order (the functions' definitions).
const totals = (trades: ReadonlyArray<Trade>, from: number) => {
  const out = { buy: 0, sell: 0, buyCount: 0, sellCount: 0 }
  for (let i = Math.max(0, from); i < trades.length; i++) {
    const t = trades[i]
    if (t.side === "buy") {
      out.buy += t.amount
      out.buyCount++
    } else {
      out.sell += t.amount
      out.sellCount++
    }
  }
  return out
}
const decayed = (trades: ReadonlyArray<Trade>, now: number, halfLife: number) => {
  const out = { buy: 0, sell: 0, buyCount: 0, sellCount: 0 }
  const k = Math.LN2 / halfLife
  for (const t of trades) {
    const w = Math.exp(-k * Math.max(0, now - t.time))
    if (t.side === "buy") {
      out.buy += w * t.amount
      out.buyCount += w
    } else {
      out.sell += w * t.amount
      out.sellCount += w
    }
  }
  return out
}
const ticks = (trades: ReadonlyArray<Trade>, from: number) => {
  let up = 0
  let down = 0
  let dir = 0
  for (let i = Math.max(1, from + 1); i < trades.length; i++) {
    const d = trades[i].price - trades[i - 1].price
    if (d > 0) dir = 1
    else if (d < 0) dir = -1
    if (dir > 0) up += trades[i].amount
    else if (dir < 0) down += trades[i].amount
  }
  return { up, down }
}

const candles = loadCandles("btcusdt-1m")

describe("tape columns", () => {
  test("a tape that grows and drops its oldest trades: the columns follow it, sums as from the objects", () => {
    const tape: Array<Trade> = []
    let kept = 0
    for (let step = 0; step < 40; step++) {
      // Batches of different sizes; the tape's limit (300 here) drops trades from the front.
      const batch = syntheticTrades(candles, 200 + step, { seed: step, candles: 1, perCandle: 10 + ((step * 37) % 90) })
      const before = s.tapeColumns(tape)
      pushTape(tape, batch, 300)
      const cols = s.tapeColumns(tape)
      if (cols.price.buffer === before.price.buffer) kept++
      expect(read(cols)).toEqual(fields(tape))
      expect(s.tapeColumns(tape)).toBe(cols)
      for (const from of [0, 1, tape.length - 10, tape.length - 100])
        expect(s.sideTotals(tape, from)).toEqual(totals(tape, from))
      for (const from of [0, tape.length - 50]) expect(s.tickVolumes(tape, from)).toEqual(ticks(tape, from))
      const now = tape[tape.length - 1].time
      expect(s.decayedTotals(tape, now, 60_000)).toEqual(decayed(tape, now, 60_000))
    }
    // The columns stay in the same buffers (room for twice the tape's length) while the tape keeps its size.
    expect(kept).toBeGreaterThanOrEqual(36)
  })

  test("prices that stay put for runs of trades: the tick test from every window start", () => {
    const tape: Array<Trade> = []
    for (let step = 0; step < 30; step++) {
      // Each batch holds its price for a few trades, so windows often start inside a flat run.
      const batch = tapeOf(7 + (step % 5), { buyShare: 0.5, drift: 0.02 * Math.sin(step) }).map((t, i) => ({
        ...t,
        id: `${step}-${i}`,
        price: Math.round(t.price * 20) / 20 + (i % 3 === 0 ? 0 : 0.05 * Math.sign(Math.sin(step + i))),
      }))
      pushTape(tape, batch, 60)
      for (let from = 0; from < tape.length; from += 3) expect(s.tickVolumes(tape, from)).toEqual(ticks(tape, from))
    }
  })

  test("trades sharing a millisecond, replaced contents, an emptied tape", () => {
    const tape = tapeOf(50, { buyShare: 0.6, drift: 0.01 }).map((t, i) => ({ ...t, time: 1_000 * (i >> 2) }))
    expect(s.decayedTotals(tape, tape[49].time, 2_000)).toEqual(decayed(tape, tape[49].time, 2_000))
    expect(read(s.tapeColumns(tape))).toEqual(fields(tape))
    // Weights that are not finite (a zero half-life weighs the newest trades NaN, a negative one
    // Infinity): each side's sums still get only their own trades' terms.
    const now = tape[49].time
    for (const halfLife of [0, -2_000, -1e-300]) {
      const d = s.decayedTotals(tape, now, halfLife)
      const want = decayed(tape, now, halfLife)
      for (const k of ["buy", "sell", "buyCount", "sellCount"] as const) expect(Object.is(d[k], want[k])).toBe(true)
    }
    // Other trades in the same array (none of the old ones kept): rebuilt from the trades.
    const other = tapeOf(50, { buyShare: 0.3, drift: -0.02 })
    tape.splice(0, tape.length, ...other)
    expect(read(s.tapeColumns(tape))).toEqual(fields(other))
    expect(s.sideTotals(tape, 5)).toEqual(totals(other, 5))
    tape.length = 0
    expect(s.tapeColumns(tape).length).toBe(0)
    expect(s.sideTotals(tape)).toEqual({ buy: 0, sell: 0, buyCount: 0, sellCount: 0 })
  })

  test("decay weights by age, met again, fractional or past the table: the sums of an exp per trade", () => {
    // Whole-millisecond trade times 0.7 s apart, some shared, then the same tape weighed from
    // later `now`s (ages met before come from the table), then fractional times and ages beyond
    // the table's reach (computed as they come).
    const base = tapeOf(400, { buyShare: 0.55, drift: 0.01 })
    const whole = base.map((t, i) => ({ ...t, time: 1_700_000_000_000 + 700 * (i >> 1) }))
    const last = whole[whole.length - 1].time
    for (const now of [last, last + 700, last + 1_400, last, last + 600_000, last + 3_600_000])
      for (const halfLife of [60_000, 5_000, 60_000])
        expect(s.decayedTotals(whole, now, halfLife)).toEqual(decayed(whole, now, halfLife))
    const fractional = base.map((t, i) => ({ ...t, time: 1_700_000_000_000 + 333.25 * i }))
    const now = fractional[fractional.length - 1].time
    expect(s.decayedTotals(fractional, now, 60_000)).toEqual(decayed(fractional, now, 60_000))
  })
})

describe("tape plugins read through the columns", () => {
  test("orderflow-trade-flow and orderflow-pressure: their rules on the trade objects, to the bit", async () => {
    const plugins = await loadPlugins()
    const byName = (name: string) => plugins.find((p) => p.name === name)!
    const tape: Array<Trade> = []
    for (let step = 0; step < 30; step++) {
      // Whole-millisecond times some trades share, as exchanges print them.
      const batch = syntheticTrades(candles, 300 + step, {
        seed: step,
        candles: 1,
        perCandle: 40 + ((step * 53) % 200),
      })
      pushTape(
        tape,
        batch.map((t) => ({ ...t, time: Math.floor(t.time / 7) * 7 })),
        600,
      )
      const now = tape[tape.length - 1].time
      const d = decayed(tape, now, 60_000)
      const volumeFlow = s.balance(d.buy, d.sell)
      const countFlow = s.balance(d.buyCount, d.sellCount)
      const x = 0.6 * volumeFlow + 0.4 * countFlow
      expect(run(byName("orderflow-trade-flow"), { trades: tape })).toEqual(
        s.scored(s.squash(x, 0.35), { volumeFlow, countFlow, x }),
      )
      const { up, down } = ticks(tape, s.tailStart(tape, 300))
      const pressure = s.balance(up, down)
      expect(run(byName("orderflow-pressure"), { trades: tape })).toEqual(
        up + down > 0
          ? s.scored(s.squash(pressure, 0.4), { uptickVolume: up, downtickVolume: down, pressure })
          : s.scored(50, { uptickVolume: 0, downtickVolume: 0 }, "no ticks"),
      )
    }
  })
})
