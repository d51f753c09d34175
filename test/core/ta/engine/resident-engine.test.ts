import { describe, expect, test } from "bun:test"
import {
  ema,
  FULL_SET,
  macd,
  makeResidentEngine,
  rsi,
  type IndicatorSet,
  type ResidentEngine,
} from "../../../../core/ta/index.ts"
import { getKernels } from "../../../../core/wasm/index.ts"
import { btc, candle, oneOff, sameNaN } from "./support.ts"

describe("resident engine: series storage", () => {
  test("append keeps a bounded, contiguous, oldest-first window across compactions", () => {
    const e = makeResidentEngine(getKernels(), { capacity: 50 })
    const id = e.addSeries("BTC/USDT|1m")
    for (let i = 0; i < 237; i++) {
      e.append(id, candle(i))
      const cols = e.columns(id)
      const n = Math.min(i + 1, 50)
      expect(e.length(id)).toBe(n)
      expect(cols.close.length).toBe(n)
      expect(cols.close[n - 1]).toBe(btc.close[i]!)
      expect(cols.time[0]).toBe(btc.time[i + 1 - n]!)
    }
    expect(Array.from(e.columns(id).high)).toEqual(Array.from(btc.high.subarray(187, 237)))
    e.dispose()
  })

  test("columns are zero-copy views into WASM memory, refreshed after memory grows", () => {
    const K = getKernels()
    const e = makeResidentEngine(K, { capacity: 20 })
    const id = e.addSeries("a")
    for (let i = 0; i < 10; i++) e.append(id, candle(i))
    const before = e.columns(id).close
    expect(K.isResident(before)).toBe(true)
    const gen = K.generation()
    const big = K.arena.alloc(K.memory.buffer.byteLength + 1)
    expect(K.generation()).toBeGreaterThan(gen)
    expect(before.length).toBe(0) // the old view was detached by the growth
    const after = e.columns(id).close
    expect(after.length).toBe(10)
    expect(K.isResident(after)).toBe(true)
    expect(after[9]).toBe(btc.close[9]!)
    K.arena.free(big)
    e.dispose()
  })

  test("removing a series frees its block and the next series reuses it; maxSeries is enforced", () => {
    const K = getKernels()
    const e = makeResidentEngine(K, { capacity: 100, maxSeries: 2 })
    const a = e.addSeries("a")
    e.addSeries("b")
    expect(() => e.addSeries("c")).toThrow(RangeError)
    expect(() => e.addSeries("a")).toThrow(RangeError)
    const used = K.arena.used()
    const ptr = e.columns(a).close.byteOffset
    e.removeSeries(a)
    expect(K.arena.used()).toBeLessThan(used)
    expect(() => e.length(a)).toThrow(RangeError)
    const c = e.addSeries("c")
    expect(K.arena.used()).toBe(used)
    e.append(c, candle(0))
    expect(e.columns(c).close.byteOffset).toBe(ptr)
    expect(e.getOrAdd("c")).toBe(c)
    expect([...e.keys()].sort()).toEqual(["b", "c"])
    e.dispose()
  })

  test("rejects a capacity too small for the indicator set", () => {
    expect(() => makeResidentEngine(getKernels(), { capacity: 30, indicators: { m: { fn: "macd" } } })).toThrow(
      RangeError,
    )
    expect(() => makeResidentEngine(getKernels(), { indicators: { x: { fn: "nope" } } })).toThrow(RangeError)
  })
})

describe("resident engine: compute", () => {
  const set = {
    ema: { fn: "ema", params: { period: 20 } },
    rsi: { fn: "rsi" },
    macd: { fn: "macd" },
  }
  const feed = (e: ResidentEngine, id: number, from: number, to: number, step: boolean) => {
    for (let i = from; i < to; i++) {
      e.append(id, candle(i))
      if (step) e.compute()
    }
  }

  test("incremental (one compute per candle) == one-off full recompute, before the window slides", () => {
    const e = makeResidentEngine(getKernels(), { capacity: 500, indicators: set })
    const id = e.addSeries("s")
    feed(e, id, 0, 400, true)
    const close = btc.close.subarray(0, 400)
    sameNaN(e.output(id, "ema"), ema(close, { period: 20 }))
    sameNaN(e.output(id, "rsi"), rsi(close))
    sameNaN(e.output(id, "macd.signal"), macd(close).signal)
    expect(e.latest(id, "rsi")).toBeCloseTo(rsi(close)[399]!, 10)
    e.dispose()
  })

  test("after the window slides, recursive indicators continue over the full history", () => {
    const e = makeResidentEngine(getKernels(), { capacity: 120, indicators: set })
    const id = e.addSeries("s")
    feed(e, id, 0, 700, true)
    const full = rsi(btc.close.subarray(0, 700))
    sameNaN(e.output(id, "rsi"), full.subarray(580, 700))
    sameNaN(e.output(id, "ema"), ema(btc.close.subarray(0, 700), { period: 20 }).subarray(580, 700))
    e.dispose()
  })

  test("batch compute of many series in one call equals per-series one-off results", () => {
    const e = makeResidentEngine(getKernels(), { capacity: 300, indicators: set })
    const ids = [0, 1, 2, 3, 4].map((s) => e.addSeries(`s${s}`))
    ids.forEach((id, s) => feed(e, id, s * 100, s * 100 + 250, false))
    expect(e.compute()).toBe(5)
    expect(e.compute()).toBe(0)
    ids.forEach((id, s) => {
      const close = btc.close.subarray(s * 100, s * 100 + 250)
      sameNaN(e.output(id, "macd.hist"), macd(close).hist)
    })
    e.dispose()
  })

  test("replaceLast re-steps only the last candle", () => {
    const e = makeResidentEngine(getKernels(), { capacity: 300, indicators: set })
    const id = e.addSeries("s")
    feed(e, id, 0, 200, true)
    const fake = { ...candle(199), close: candle(199).close * 1.01 }
    e.replaceLast(id, fake)
    e.compute()
    const close = Float64Array.from(btc.close.subarray(0, 200))
    close[199] = fake.close
    sameNaN(e.output(id, "rsi"), rsi(close))
    e.append(id, candle(200))
    e.compute()
    const next = Float64Array.from(btc.close.subarray(0, 201))
    next[199] = fake.close
    sameNaN(e.output(id, "ema"), ema(next, { period: 20 }))
    e.reset(id)
    expect(e.length(id)).toBe(0)
    e.dispose()
  })
})

const ALT_SET: IndicatorSet = {
  ema9: { fn: "ema", params: { period: 9 } },
  adx7: { fn: "adx", params: { period: 7 } },
  pdi7: { fn: "plusDi", params: { period: 7 } },
  mdi7: { fn: "minusDi", params: { period: 7 } },
  atr5: { fn: "atr", params: { period: 5 } },
  natr5: { fn: "natr", params: { period: 5 } },
  stoch: { fn: "stoch", params: { fastKPeriod: 14, slowKPeriod: 3, slowDPeriod: 3 } },
  bb: { fn: "bbands", params: { period: 20, nbDevUp: 2, nbDevDn: 1 } },
  vwap20: { fn: "vwap", params: { period: 20 } },
  ult: { fn: "ultosc", params: { period1: 28, period2: 7, period3: 14 } },
}

describe("resident engine: every function", () => {
  for (const [label, set] of [
    ["full set (defaults)", FULL_SET],
    ["non-default parameters, fused entries", ALT_SET],
  ] as const) {
    test(`${label}: incremental == one-off, before and after the window slides`, () => {
      const e = makeResidentEngine(getKernels(), { capacity: 200, indicators: set })
      const id = e.addSeries("s")
      for (let i = 0; i < 150; i++) {
        e.append(id, candle(i))
        e.compute()
      }
      for (const key of e.outputs) sameNaN(e.output(id, key), oneOff(set, key, 0, 150))
      for (let i = 150; i < 500; i++) {
        e.append(id, candle(i))
        e.compute()
      }
      for (const key of e.outputs) {
        sameNaN(e.output(id, key), oneOff(set, key, 0, 500).subarray(300, 500), 1e-9)
        expect(e.latest(id, key)).toBeCloseTo(oneOff(set, key, 0, 500)[499]!, 6)
      }
      e.dispose()
    })
  }

  test("several candles per compute, many series in one call", () => {
    const e = makeResidentEngine(getKernels(), { capacity: 400, indicators: FULL_SET })
    const ids = [0, 1, 2].map((s) => e.addSeries(`s${s}`))
    const done = [0, 0, 0]
    for (const chunk of [120, 7, 1, 33, 2]) {
      ids.forEach((id, s) => {
        for (let i = 0; i < chunk + s; i++) e.append(id, candle(s * 50 + done[s]! + i))
        done[s] = done[s]! + chunk + s
      })
      e.compute()
    }
    ids.forEach((id, s) => {
      for (const key of e.outputs) sameNaN(e.output(id, key), oneOff(FULL_SET, key, s * 50, s * 50 + done[s]!))
    })
    e.dispose()
  })
})
