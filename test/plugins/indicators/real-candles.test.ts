/**
 * The candle plugins on real Binance candles (test/fixtures/talib), fed as a replay of a
 * 300-candle window: the declared inputs they report equal the same indicator over the whole
 * history (the host's engine carries the state), and the score is the documented function of
 * those values.
 */
import { describe, expect, test } from "bun:test"
import { type AnyPlugin, loadCandles, loadPlugins, run, ta, window } from "./support.ts"

const plugins = await loadPlugins()
const byName = (n: string): AnyPlugin => plugins.find((p) => p.name === n)!
const sets = [
  ["btcusdt-1m", loadCandles("btcusdt-1m")],
  ["ltcusdt-1m", loadCandles("ltcusdt-1m")],
] as const
const ends = (len: number) => Array.from({ length: 12 }, (_, k) => 200 + Math.floor(((len - 200) * k) / 11))
const squash = (x: number, s: number) => 50 + 50 * Math.tanh(x / s)

describe.each(sets)("real candles %s", (_, all) => {
  const full = {
    rsi: ta.rsi(all.close, { period: 14 }),
    adx: ta.adx(all.high, all.low, all.close, { period: 14 }),
    plusDi: ta.plusDi(all.high, all.low, all.close, { period: 14 }),
    cci: ta.cci(all.high, all.low, all.close, { period: 20 }),
    willr: ta.willr(all.high, all.low, all.close, { period: 14 }),
    atr: ta.atr(all.high, all.low, all.close, { period: 14 }),
    sma20: ta.sma(all.close, { period: 20 }),
    sma50: ta.sma(all.close, { period: 50 }),
    vwap50: ta.vwap(all.high, all.low, all.close, all.volume, { period: 50 }),
    adosc: ta.adosc(all.high, all.low, all.close, all.volume, { fastPeriod: 3, slowPeriod: 10 }),
  }
  const at = (end: number) => ({ candles: window(all, end, 300) })

  test("technical-rsi: RSI equals the full-history RSI; score = 50 + 50·tanh((RSI−50)/15)", () => {
    for (const end of ends(all.close.length)) {
      const r = run(byName("technical-rsi"), at(end))
      expect(r.values!.rsi).toBeCloseTo(full.rsi[end - 1], 9)
      expect(r.score!).toBeCloseTo(squash(r.values!.rsi - 50, 15), 9)
    }
  })

  test("technical-adx: ADX and +DI equal the full history", () => {
    for (const end of ends(all.close.length)) {
      const r = run(byName("technical-adx"), at(end))
      expect(r.values!.adx).toBeCloseTo(full.adx[end - 1], 9)
      expect(r.values!.plusDi).toBeCloseTo(full.plusDi[end - 1], 9)
    }
  })

  test("technical-cci and technical-williams-r: exact, score = tanh map / %R + 100", () => {
    for (const end of ends(all.close.length)) {
      const cci = run(byName("technical-cci"), at(end))
      expect(cci.values!.cci).toBeCloseTo(full.cci[end - 1], 6)
      expect(cci.score!).toBeCloseTo(squash(full.cci[end - 1], 120), 6)
      const w = run(byName("technical-williams-r"), at(end))
      expect(w.score!).toBeCloseTo(full.willr[end - 1] + 100, 9)
    }
  })

  test("technical-atr: displacement over 14 candles in (full-history) ATRs", () => {
    for (const end of ends(all.close.length)) {
      const r = run(byName("technical-atr"), at(end))
      expect(r.values!.atr / full.atr[end - 1]).toBeCloseTo(1, 9)
      expect(r.values!.move).toBeCloseTo(all.close[end - 1] - all.close[end - 15], 9)
    }
  })

  test("price-trend-position: SMA20/SMA50 as over the whole history", () => {
    for (const end of ends(all.close.length)) {
      const r = run(byName("price-trend-position"), at(end))
      expect(r.values!.smaFast).toBeCloseTo(full.sma20[end - 1], 6)
      expect(r.values!.smaSlow).toBeCloseTo(full.sma50[end - 1], 6)
    }
  })

  test("volume-cmf: equals Σ close-location·volume / Σ volume computed directly", () => {
    for (const end of ends(all.close.length)) {
      let mf = 0
      let v = 0
      for (let i = end - 20; i < end; i++) {
        const range = all.high[i] - all.low[i]
        mf += range > 0 ? ((all.close[i] - all.low[i] - (all.high[i] - all.close[i])) / range) * all.volume[i] : 0
        v += all.volume[i]
      }
      expect(run(byName("volume-cmf"), at(end)).values!.cmf).toBeCloseTo(mf / v, 9)
    }
  })

  test("volume-vwap: its rolling VWAP equals core/ta's vwap(period 50)", () => {
    for (const end of ends(all.close.length)) {
      expect(run(byName("volume-vwap"), at(end)).values!.vwap).toBeCloseTo(full.vwap50[end - 1], 6)
    }
  })

  test("volume-adl: the Chaikin oscillator equals the full-history ADOSC", () => {
    for (const end of ends(all.close.length)) {
      const r = run(byName("volume-adl"), at(end))
      expect(Math.abs(r.values!.oscillator - full.adosc[end - 1])).toBeLessThan(
        1e-9 * (1 + Math.abs(full.adosc[end - 1])),
      )
    }
  })

  test("volume-delta: the up-minus-down volume share computed directly", () => {
    for (const end of ends(all.close.length)) {
      let d = 0
      let v = 0
      for (let i = end - 20; i < end; i++) {
        d += Math.sign(all.close[i] - all.open[i]) * all.volume[i]
        v += all.volume[i]
      }
      const r = run(byName("volume-delta"), at(end))
      expect(r.values!.deltaShare).toBeCloseTo(d / v, 12)
      expect(r.score!).toBeCloseTo(squash(d / v, 0.5), 9)
    }
  })

  test("every candle-only plugin scores every step of the series (no gaps in coverage, no NaN)", () => {
    const candleOnly = plugins.filter((p) => (p.needs ?? []).length === 0)
    for (let end = 60; end <= all.close.length; end += 7) {
      for (const p of candleOnly) {
        const r = run(p, at(end))
        expect(r.score, `${p.name} at ${end}: ${r.reason}`).not.toBeNull()
        expect(r.score!).toBeGreaterThanOrEqual(0)
        expect(r.score!).toBeLessThanOrEqual(100)
      }
    }
  })
})
