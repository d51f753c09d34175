/**
 * The declared-inputs engine against `core/ta` (itself pinned to TA-Lib): values computed
 * incrementally, candle by candle, over the whole history of the real candle fixtures, equal the
 * full-array functions at every candle.
 */
import { describe, expect, test } from "bun:test"
import {
  input,
  inputsOf,
  makeInputEngine,
  resolveInputs,
  type SeriesCandles,
} from "../../../../core/plugins/inputs/index.ts"
import type { CandleColumns } from "../../../../core/market-schema/index.ts"
import * as ta from "../../../../core/ta/index.ts"
import { getKernels } from "../../../../core/wasm/index.ts"
import { loadFixture } from "../../../support/talib-fixture.ts"

const TOL = 1e-9
const close = (got: number, want: number) => {
  if (Number.isNaN(want)) expect(got).toBeNaN()
  else expect(Math.abs(got - want)).toBeLessThanOrEqual(TOL * (1 + Math.abs(want)))
}

/** Candles [from, to) as views, as MarketData hands out its bounded window. */
const view = (c: CandleColumns, from: number, to: number): CandleColumns => ({
  time: c.time.subarray(from, to),
  open: c.open.subarray(from, to),
  high: c.high.subarray(from, to),
  low: c.low.subarray(from, to),
  close: c.close.subarray(from, to),
  volume: c.volume.subarray(from, to),
})

const DECLARED = resolveInputs(
  {
    rsi: input.rsi({ period: 14 }),
    atr: input.atr({ period: 14 }),
    adx: input.adx({ period: 14 }),
    plusDi: input.plusDi({ period: 14 }),
    minusDi: input.minusDi({ period: 14 }),
    cci: input.cci({ period: 20 }),
    adosc: input.adosc({ fastPeriod: 3, slowPeriod: 10 }),
    sma50: input.sma({ period: 50 }),
    willr: input.willr({ period: 14 }),
    obv: input.obv(undefined, { history: 20 }),
    ad: input.ad(),
    signal: input.macd({}, { output: "signal" }),
  },
  {},
)

/** `core/ta` over the whole history: the reference for each declared name. */
const reference = (c: CandleColumns): Record<string, Float64Array> => ({
  rsi: ta.rsi(c.close, { period: 14 }),
  atr: ta.atr(c.high, c.low, c.close, { period: 14 }),
  adx: ta.adx(c.high, c.low, c.close, { period: 14 }),
  plusDi: ta.plusDi(c.high, c.low, c.close, { period: 14 }),
  minusDi: ta.minusDi(c.high, c.low, c.close, { period: 14 }),
  cci: ta.cci(c.high, c.low, c.close, { period: 20 }),
  adosc: ta.adosc(c.high, c.low, c.close, c.volume, { fastPeriod: 3, slowPeriod: 10 }),
  sma50: ta.sma(c.close, { period: 50 }),
  willr: ta.willr(c.high, c.low, c.close, { period: 14 }),
  obv: ta.obv(c.close, c.volume),
  ad: ta.ad(c.high, c.low, c.close, c.volume),
  signal: ta.macd(c.close).signal,
})

describe("declared inputs: incremental values equal core/ta over the full history", () => {
  for (const symbol of ["btcusdt", "ltcusdt"] as const) {
    test(`${symbol}: every candle, fed one closed candle at a time through a 300-candle window`, () => {
      const c = loadFixture(symbol).candles
      const want = reference(c)
      const engine = makeInputEngine(getKernels)
      for (let i = 1; i <= c.close.length; i++) {
        const series: SeriesCandles = { symbol, timeframe: "1m", candles: view(c, Math.max(0, i - 300), i) }
        const v = engine.read(series, DECLARED)
        for (const r of DECLARED.list) close(v.inputs[r.name]!, want[r.name]![i - 1]!)
        const obv = v.history.obv!
        expect(obv.length).toBe(Math.min(20, i))
        for (let k = 0; k < obv.length; k++) close(obv[k]!, want.obv![i - obv.length + k]!)
      }
      engine.dispose()
    })
  }

  test("a whole history at once (start-up backfill) is computed in chunks and stays exact", () => {
    const c = loadFixture("ltcusdt").candles
    const want = reference(c)
    const engine = makeInputEngine(getKernels)
    const v = engine.read({ symbol: "LTC/USDT", timeframe: "1m", candles: c }, DECLARED)
    for (const r of DECLARED.list) close(v.inputs[r.name]!, want[r.name]![c.close.length - 1]!)
    const obv = v.history.obv!
    expect(obv.length).toBe(20)
    for (let k = 0; k < 20; k++) close(obv[k]!, want.obv![c.close.length - 20 + k]!)
    expect(engine.stats().computeCalls).toBeGreaterThan(1)
    engine.dispose()
  })
})

describe("declared inputs: one engine, one WASM call per cycle", () => {
  test("advance feeds every series and computes them all in one call; reads afterwards make none", () => {
    const btc = loadFixture("btcusdt").candles
    const ltc = loadFixture("ltcusdt").candles
    const engine = makeInputEngine(getKernels)
    engine.use([DECLARED])
    const frames = (end: number): Array<SeriesCandles> => [
      { symbol: "BTC/USDT", timeframe: "1m", candles: view(btc, Math.max(0, end - 200), end) },
      { symbol: "LTC/USDT", timeframe: "1m", candles: view(ltc, Math.max(0, end - 200), end) },
      { symbol: "LTC/USDT", timeframe: "5m", candles: view(ltc, 1000, 1000 + end) },
    ]
    expect(engine.advance(frames(100))).toBe(3)
    const warm = engine.stats().computeCalls
    const wantBtc = reference(view(btc, 0, 400))
    const wantLtc5 = reference(view(ltc, 1000, 1400))
    for (let end = 101; end <= 400; end++) {
      expect(engine.advance(frames(end))).toBe(3)
      expect(engine.stats().computeCalls).toBe(warm + end - 100)
      const [b, , l5] = frames(end)
      close(engine.read(b!, DECLARED).inputs.rsi!, wantBtc.rsi![end - 1]!)
      close(engine.read(l5!, DECLARED).inputs.adx!, wantLtc5.adx![end - 1]!)
      expect(engine.stats().computeCalls).toBe(warm + end - 100)
    }
    expect(engine.advance(frames(400))).toBe(0) // nothing new: no call
    expect(engine.stats().computeCalls).toBe(warm + 300)
    expect(engine.stats().series).toBe(3)
    engine.dispose()
  })

  test("equal declarations of different plugins share one entry; params reach a declaring function", () => {
    const a = { inputs: { rsi: input.rsi({ period: 14 }) } }
    const b = { inputs: (p: { period: number }) => ({ momentum: input.rsi({ period: p.period }), atr: input.atr() }) }
    const ra = inputsOf(a, {})
    const rb = inputsOf(b, { period: 14 })
    expect(ra.list[0]!.entry).toBe(rb.list[0]!.entry)
    expect(inputsOf(b, { period: 14 })).not.toBe(rb) // another params object: resolved again
    const engine = makeInputEngine(getKernels)
    engine.use([ra, rb])
    expect(engine.stats().entries).toBe(2) // rsi(14) once, atr(14)
    const c = loadFixture("btcusdt").candles
    const s = { symbol: "X", timeframe: "1m", candles: c }
    expect(engine.read(s, ra).inputs.rsi).toBe(engine.read(s, rb).inputs.momentum!)
    engine.dispose()
  })

  test("a corrected newest candle is re-stepped; another history under the same key starts over", () => {
    const c = loadFixture("btcusdt").candles
    const engine = makeInputEngine(getKernels)
    const key = { symbol: "BTC/USDT", timeframe: "1m" }
    engine.read({ ...key, candles: view(c, 0, 500) }, DECLARED)
    const own = view(c, 0, 500)
    const corrected = {
      time: own.time.slice(),
      open: own.open.slice(),
      high: own.high.slice(),
      low: own.low.slice(),
      close: own.close.slice(),
      volume: own.volume.slice(),
    }
    corrected.close[499] = corrected.close[499]! * 1.01
    corrected.high[499] = Math.max(corrected.high[499]!, corrected.close[499]!)
    let want = reference(corrected)
    let v = engine.read({ ...key, candles: corrected }, DECLARED)
    for (const r of DECLARED.list) close(v.inputs[r.name]!, want[r.name]![499]!)
    for (let k = 0; k < 20; k++) close(v.history.obv![k]!, want.obv![480 + k]!) // newest row rewritten
    const other = view(loadFixture("ltcusdt").candles, 0, 700)
    want = reference(other)
    v = engine.read({ ...key, candles: other }, DECLARED)
    for (const r of DECLARED.list) close(v.inputs[r.name]!, want[r.name]![699]!)
    engine.dispose()
  })

  test("bad declarations fail with a message naming the input and the problem", () => {
    expect(() => resolveInputs({ x: { fn: "nope" } }, {})).toThrow('unknown indicator "nope"')
    expect(() => resolveInputs({ x: input.rsi({ period: 0 }) }, {})).toThrow("rsi: period must be an integer in [2,")
    expect(() => resolveInputs({ x: input.macd({}, { output: "nope" }) }, {})).toThrow(
      'input "x": macd has no output "nope" (outputs: macd, signal, hist)',
    )
    expect(() => resolveInputs({ x: input.rsi({}, { history: 501 }) }, {})).toThrow(
      'input "x": history must be an integer in [0, 500]',
    )
  })

  test("symbols that left the tracked set give their series back; the others keep their state", () => {
    const c = loadFixture("btcusdt").candles
    const engine = makeInputEngine(getKernels)
    engine.use([DECLARED])
    const of = (symbol: string, timeframe: string, end: number) => ({ symbol, timeframe, candles: view(c, 0, end) })
    engine.advance([of("A", "1m", 300), of("A", "5m", 300), of("B", "1m", 300)])
    const bytes = engine.stats().memoryBytes
    engine.retainSymbols(new Set(["B"]))
    expect(engine.stats().series).toBe(1)
    expect(engine.stats().memoryBytes).toBeLessThan(bytes)
    const calls = engine.stats().computeCalls
    expect(engine.advance([of("B", "1m", 301)])).toBe(1)
    expect(engine.stats().computeCalls).toBe(calls + 1) // B continued incrementally: one round
    close(engine.read(of("B", "1m", 301), DECLARED).inputs.rsi!, reference(view(c, 0, 301)).rsi![300]!)
    engine.dispose()
  })

  test("the least recently used series makes room when maxSeries is reached", () => {
    const c = loadFixture("btcusdt").candles
    const engine = makeInputEngine(getKernels, { maxSeries: 2 })
    for (const sym of ["A", "B", "C"]) engine.read({ symbol: sym, timeframe: "1m", candles: view(c, 0, 100) }, DECLARED)
    expect(engine.stats().series).toBe(2)
    engine.dispose()
  })
})
