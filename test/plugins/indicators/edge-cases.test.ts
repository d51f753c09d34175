/**
 * Hand-built edge cases: flat market, gaps, zero volume, too few candles, a NaN candle, a
 * one-sided or empty book, no trades, no exchange data. Every plugin must return a score in
 * [0, 100] or `null` with a reason — never NaN, never a throw — and missing data must be
 * "unavailable", not a made-up 50.
 */
import { describe, expect, test } from "bun:test"
import type { IndicatorResult, OrderBook } from "../../../core/plugins/sdk.ts"
import {
  type AnyPlugin,
  type ContextParts,
  columns,
  flatCandles,
  loadPlugins,
  run,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  trendCandles,
} from "./support.ts"

const plugins = await loadPlugins()
const byName = (n: string) => plugins.find((p) => p.name === n)!
const candleOnly = plugins.filter((p) => (p.needs ?? []).length === 0)

const wellFormed = (p: AnyPlugin, r: IndicatorResult) => {
  if (r.score === null) {
    expect(typeof r.reason, `${p.name} null without a reason`).toBe("string")
  } else {
    expect(Number.isFinite(r.score), `${p.name} score ${r.score}`).toBe(true)
    expect(r.score).toBeGreaterThanOrEqual(0)
    expect(r.score).toBeLessThanOrEqual(100)
  }
  for (const [k, v] of Object.entries(r.values ?? {}))
    expect(Number.isFinite(v), `${p.name}.values.${k} = ${v}`).toBe(true)
}

const all = (parts: ContextParts) =>
  plugins.map((p) => {
    const r = run(p, parts)
    wellFormed(p, r)
    return [p, r] as const
  })

const trend = trendCandles(300, 0.002)
const full = (c = trend): ContextParts => ({
  candles: c,
  orderbook: syntheticBook(c, c.close.length),
  trades: syntheticTrades(c, c.close.length),
  market: syntheticMarket(c, c.close.length),
})

describe("edge cases", () => {
  test("nothing at all: every plugin is unavailable with a reason", () => {
    for (const [p, r] of all({})) expect(r.score, p.name).toBeNull()
  })

  test("a normal full context scores every plugin", () => {
    for (const [p, r] of all(full())) expect(r.score, `${p.name}: ${r.reason}`).not.toBeNull()
  })

  test("too few candles: candle plugins say how many they need", () => {
    for (const [p, r] of all({ candles: trendCandles(5, 0.001) })) {
      if (candleOnly.includes(p)) {
        expect(r.score, p.name).toBeNull()
        expect(r.reason, p.name).toMatch(/need \d+ closed candles, have 5/)
      }
    }
  })

  test("flat market: oscillators read 50 ('flat market'), profiles and levels are unavailable, nothing is NaN", () => {
    const results = new Map(all(full(flatCandles(300))).map(([p, r]) => [p.name, r]))
    for (const n of [
      "technical-rsi",
      "technical-ao",
      "technical-atr",
      "technical-cci",
      "technical-adx",
      "technical-williams-r",
      "price-trend-position",
      "volume-vwap",
      "price-range",
      "sentiment-volatility",
    ]) {
      expect(results.get(n)!.score, n).toBe(50)
      expect(results.get(n)!.reason, n).toMatch(/flat market/)
    }
    for (const n of [
      "volume-profile",
      "price-volume-profile",
      "price-support-resistance",
      "price-liquidity-zones",
      "price-fvg",
    ]) {
      expect(results.get(n)!.score, n).toBeNull()
      expect(results.get(n)!.reason, n).toMatch(/flat market/)
    }
  })

  test("zero volume: volume plugins are unavailable ('no volume'), price plugins still score", () => {
    const base = trendCandles(300, 0.002)
    const c = { ...base, volume: new Float64Array(base.volume.length) }
    const results = new Map(all({ candles: c }).map(([p, r]) => [p.name, r]))
    for (const n of [
      "volume-delta",
      "volume-adl",
      "volume-cmf",
      "volume-obv",
      "volume-relative",
      "volume-profile",
      "volume-vwap",
      "price-volume-profile",
    ]) {
      expect(results.get(n)!.score, n).toBeNull()
      expect(results.get(n)!.reason, n).toMatch(/no volume/)
    }
    for (const n of ["technical-rsi", "technical-adx", "price-trend-position", "price-range"])
      expect(results.get(n)!.score, n).not.toBeNull()
  })

  test("gaps: a missing stretch of candles and a 15% price jump give well-formed scores", () => {
    const rows = Array.from({ length: 300 }, (_, i) => {
      const t = i < 150 ? i * 60_000 : i * 60_000 + 6 * 3_600_000
      const p = (i < 200 ? 100 : 115) * (1 + 0.001 * Math.sin(i / 3))
      return [t, p, p * 1.001, p * 0.999, p * (1 + 0.0005 * Math.cos(i)), 10] as const
    })
    const c = columns(rows)
    for (const [p, r] of all(full(c))) if (candleOnly.includes(p)) expect(r.score, p.name).not.toBeNull()
    // Right after the jump up, trend-following plugins read bullish.
    const jump = { ...full(columns(rows.slice(0, 205))) }
    expect(run(byName("price-range"), jump).score!).toBeGreaterThan(80)
    expect(run(byName("technical-atr"), jump).score!).toBeGreaterThan(80)
  })

  test("a NaN in the newest candle: candle plugins are unavailable, not NaN", () => {
    const c = trendCandles(300, 0.002)
    c.close[299] = Number.NaN
    for (const [p, r] of all({ candles: c })) if (candleOnly.includes(p)) expect(r.score, p.name).toBeNull()
  })

  test("a NaN deep in the window never leaks out as a NaN score", () => {
    const c = trendCandles(300, 0.002)
    c.high[280] = Number.NaN
    all(full(c))
  })

  test("one-sided and empty books: order-book plugins are unavailable and say why", () => {
    const c = trend
    const book = syntheticBook(c, 300)
    const noAsks: OrderBook = { ...book, asks: [] }
    const noBids: OrderBook = { ...book, bids: [] }
    const empty: OrderBook = { ...book, bids: [], asks: [] }
    for (const [ob, why] of [
      [noAsks, /one-sided book: no asks/],
      [noBids, /one-sided book: no bids/],
      [empty, /empty order book/],
    ] as const) {
      for (const [p, r] of all({ ...full(), orderbook: ob })) {
        if (p.component !== "orderbook") continue
        expect(r.score, p.name).toBeNull()
        expect(r.reason, p.name).toMatch(why)
      }
    }
    for (const [p, r] of all({ candles: c }))
      if (p.component === "orderbook") expect(r.reason, p.name).toMatch(/no order book/)
  })

  test("no trades: tape plugins are unavailable ('no trades'); too few: they say how few", () => {
    for (const trades of [[], undefined] as const) {
      for (const [p, r] of all({ ...full(), trades })) {
        if (!(p.needs ?? []).includes("trades")) continue
        expect(r.score, p.name).toBeNull()
        expect(r.reason, p.name).toMatch(/no trades/)
      }
    }
    const few = syntheticTrades(trend, 300).slice(0, 5)
    for (const [p, r] of all({ ...full(), trades: few })) {
      if (!(p.needs ?? []).includes("trades")) continue
      expect(r.reason, p.name).toMatch(/too few trades \(5 < \d+\)/)
    }
  })

  test("trades with zero amounts or one price: unavailable or neutral reading, never NaN", () => {
    const zero = syntheticTrades(trend, 300).map((t) => ({ ...t, amount: 0 }))
    all({ ...full(), trades: zero })
    const flat = syntheticTrades(trend, 300).map((t) => ({ ...t, price: 100 }))
    const results = new Map(all({ ...full(), trades: flat }).map(([p, r]) => [p.name, r]))
    expect(results.get("orderflow-pressure")!.reason).toBe("no ticks")
  })

  test("exchange without derivatives data: sentiment and OI plugins are unavailable, never 50", () => {
    const results = new Map(all({ candles: trend, market: {} }).map(([p, r]) => [p.name, r]))
    for (const n of [
      "sentiment-funding",
      "sentiment-liquidations",
      "sentiment-long-short",
      "sentiment-activity",
      "sentiment-risk",
      "orderflow-oi-price",
    ]) {
      expect(results.get(n)!.score, n).toBeNull()
    }
    // Volatility comes from candles, so it is the one sentiment reading left.
    expect(results.get("sentiment-volatility")!.score).not.toBeNull()
  })

  test("a liquidation feed with nothing in it is a reading (50), a missing feed is not", () => {
    const p = byName("sentiment-liquidations")
    expect(run(p, { candles: trend, market: { liquidations: [] } })).toMatchObject({
      score: 50,
      reason: "no liquidations",
    })
    expect(run(p, { candles: trend, market: {} }).score).toBeNull()
  })
})
