import { describe, expect, test } from "bun:test"
import { MINUTE, PricePath } from "../../../../plugins/exchanges/sim/price-path.ts"

const path = () => new PricePath({ seed: 99, startPrice: 100, volatility: 0.001, baseVolume: 10, origin: 0 })

describe("PricePath generates lazily", () => {
  test("a minute read after its chunk was evicted is regenerated bit for bit", () => {
    const p = path()
    p.ensure(60_000)
    const early = [p.minuteCandle(5), p.minuteCandle(1234), p.trendAt(777)] as const
    // Read across the whole history so every cached chunk is replaced several times.
    for (let i = 0; i < 60_000; i += 97) p.closeAt(i)
    expect([p.minuteCandle(5), p.minuteCandle(1234), p.trendAt(777)]).toEqual([...early])
  })

  test("growing in steps gives the same path as growing at once; aggregates match their minutes", () => {
    const once = path()
    once.ensure(5_000)
    const steps = path()
    for (let n = 1; n <= 5_000; n += 313) steps.ensure(n)
    steps.ensure(5_000)
    for (const i of [0, 511, 512, 1023, 2048, 4999]) expect(steps.minuteCandle(i)).toEqual(once.minuteCandle(i))
    // A 4h candle across a chunk boundary: open of the first minute, close of the last, extremes and sum in between.
    const candle = once.aggregate(400 * MINUTE, 240 * MINUTE, 5_000)!
    const minutes = Array.from({ length: 240 }, (_, k) => once.minuteCandle(400 + k))
    expect(candle).toEqual({
      time: 400 * MINUTE,
      open: minutes[0]!.open,
      close: minutes[239]!.close,
      high: Math.max(...minutes.map((m) => m.high)),
      low: Math.min(...minutes.map((m) => m.low)),
      volume: minutes.reduce((s, m) => s + m.volume, 0),
    })
  })

  test("outside the generated range: NaN prices, zero trend, no candle", () => {
    const p = path()
    p.ensure(100)
    expect(p.closeAt(100)).toBeNaN()
    expect(p.closeAt(-1)).toBeNaN()
    expect(p.trendAt(100)).toBe(0)
    expect(p.aggregate(100 * MINUTE, MINUTE, 200)).toBeUndefined()
  })
})

describe("PricePath keeps a window", () => {
  test("minutes older than keepMinutes behind the newest are forgotten; the rest are the same path", () => {
    const all = path()
    const window = new PricePath({
      seed: 99,
      startPrice: 100,
      volatility: 0.001,
      baseVolume: 10,
      origin: 0,
      keepMinutes: 1_000,
    })
    all.ensure(20_000)
    for (let n = 500; n <= 20_000; n += 500) window.ensure(n)
    expect(window.oldest).toBeGreaterThan(20_000 - 1_200)
    expect(window.oldest).toBeLessThanOrEqual(20_000 - 1_000)
    expect(window.closeAt(window.oldest - 1)).toBeNaN()
    for (const i of [window.oldest, 19_000, 19_999]) expect(window.minuteCandle(i)).toEqual(all.minuteCandle(i))
    expect(window.aggregate(0, 20_000 * MINUTE, 20_000)!.open).toBe(all.closeAt(window.oldest - 1))
  })
})
