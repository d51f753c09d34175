/**
 * The built-in indicator set: exactly the listed plugins with their sub-weights (summing to 1
 * per component), declarations the host validates, and a scoring rule written at the top of
 * every file.
 */
import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { validatePlugin } from "../../../core/plugins/index.ts"
import { COMPONENTS, scopeOf } from "../../../core/plugins/sdk.ts"
import {
  loadCandles,
  loadPlugins,
  PLUGIN_DIR,
  run,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  window,
} from "./support.ts"

const EXPECTED: Record<string, ReadonlyArray<readonly [string, number]>> = {
  technical: [
    ["technical-rsi", 0.2],
    ["technical-ao", 0.2],
    ["technical-atr", 0.15],
    ["technical-cci", 0.15],
    ["technical-adx", 0.15],
    ["technical-williams-r", 0.15],
  ],
  volume: [
    ["volume-delta", 0.2],
    ["volume-adl", 0.15],
    ["volume-cmf", 0.15],
    ["volume-obv", 0.15],
    ["volume-relative", 0.15],
    ["volume-profile", 0.1],
    ["volume-vwap", 0.1],
  ],
  orderflow: [
    ["orderflow-cvd", 0.22],
    ["orderflow-trade-flow", 0.17],
    ["orderflow-oi-price", 0.15],
    ["orderflow-smart-money", 0.15],
    ["orderflow-imbalance", 0.13],
    ["orderflow-liquidity", 0.1],
    ["orderflow-pressure", 0.08],
  ],
  orderbook: [
    ["orderbook-depth", 0.19],
    ["orderbook-imbalance", 0.19],
    ["orderbook-oir", 0.16],
    ["orderbook-liquidity", 0.13],
    ["orderbook-pressure", 0.12],
    ["orderbook-spoofing", 0.08],
    ["orderbook-absorption", 0.08],
    ["orderbook-depth-imbalance", 0.05],
  ],
  price_structure: [
    ["price-liquidity-zones", 0.2],
    ["price-support-resistance", 0.15],
    ["price-trend-position", 0.15],
    ["price-volume-profile", 0.15],
    ["price-structure-breaks", 0.15],
    ["price-range", 0.1],
    ["price-fvg", 0.1],
  ],
  sentiment: [
    ["sentiment-funding", 0.2],
    ["sentiment-liquidations", 0.2],
    ["sentiment-volatility", 0.18],
    ["sentiment-long-short", 0.15],
    ["sentiment-activity", 0.15],
    ["sentiment-risk", 0.12],
  ],
}

const plugins = await loadPlugins()

describe("built-in indicator catalogue", () => {
  test("exactly the listed plugins, one file each, named after the file", () => {
    const expected = Object.values(EXPECTED)
      .flat()
      .map(([n]) => n)
      .sort()
    expect(plugins.map((p) => p.name).sort()).toEqual(expected)
    expect(new Set(plugins.map((p) => p.name)).size).toBe(plugins.length)
    for (const p of plugins)
      expect(readFileSync(join(PLUGIN_DIR, `${p.name}.ts`), "utf8")).toContain(`name: "${p.name}"`)
  })

  test("each plugin sits in its component with its listed sub-weight; each component sums to 1", () => {
    for (const comp of COMPONENTS) {
      const members = plugins.filter((p) => p.component === comp)
      expect(members.map((p) => [p.name, p.weight] as const).sort()).toEqual([...EXPECTED[comp]].sort())
      expect(members.reduce((s, p) => s + (p.weight ?? 1), 0)).toBeCloseTo(1, 10)
    }
  })

  test("the plugin host's validator accepts every plugin", () => {
    for (const p of plugins) {
      const v = validatePlugin(p, `${p.name}.ts`)
      if (!v.ok) throw new Error(v.message)
      expect(v.ok).toBe(true)
    }
  })

  test("params declare type, default, description; defaults lie within min/max", () => {
    for (const p of plugins) {
      for (const [key, spec] of Object.entries(p.params ?? {})) {
        expect(typeof spec.default, `${p.name}.${key}`).toBe(spec.type)
        expect(spec.description.length, `${p.name}.${key}`).toBeGreaterThan(3)
        if (typeof spec.default === "number") {
          if (spec.min !== undefined) expect(spec.default, `${p.name}.${key}`).toBeGreaterThanOrEqual(spec.min)
          if (spec.max !== undefined) expect(spec.default, `${p.name}.${key}`).toBeLessThanOrEqual(spec.max)
        }
      }
    }
  })

  test("every file opens with its scoring rule and imports nothing but the SDK", () => {
    for (const p of plugins) {
      const src = readFileSync(join(PLUGIN_DIR, `${p.name}.ts`), "utf8")
      expect(src.startsWith(`/**\n * ${p.name} — `), p.name).toBe(true)
      const header = src.slice(0, src.indexOf("*/"))
      expect(header, p.name).toMatch(/[Ss]core rule|score = /)
      const imports = [...src.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1])
      expect(imports, p.name).toEqual(["virtuoso/sdk"])
    }
  })

  test("book/tape-only plugins (lookback 0, needs ⊆ orderbook+trades) ignore candles and timeframe", () => {
    const c = loadCandles("btcusdt-1m")
    const book = syntheticBook(c, 700)
    const trades = syntheticTrades(c, 700)
    const only = plugins.filter(
      (p) =>
        p.lookback === 0 &&
        (p.needs ?? []).length > 0 &&
        (p.needs ?? []).every((n) => n === "orderbook" || n === "trades"),
    )
    expect(only.map((p) => p.component).sort()).toEqual([...Array(8).fill("orderbook"), ...Array(6).fill("orderflow")])
    for (const p of only) {
      const a = run(p, { candles: window(c, 700, 1000), orderbook: book, trades, timeframe: "1m" })
      const b = run(p, { candles: window(c, 300, 50), orderbook: book, trades, timeframe: "4h" })
      expect(b, p.name).toEqual(a)
    }
  })

  test("symbol scope is declared exactly by the plugins that read no candles or timeframe", () => {
    const declared = plugins
      .filter((p) => p.scope === "symbol")
      .map((p) => p.name)
      .sort()
    expect(declared).toEqual(
      [
        ...plugins.filter((p) => p.component === "orderbook").map((p) => p.name),
        ...plugins.filter((p) => p.component === "orderflow" && p.name !== "orderflow-oi-price").map((p) => p.name),
        "sentiment-funding",
        "sentiment-long-short",
      ].sort(),
    )
    for (const p of plugins)
      expect([p.name, scopeOf(p)]).toEqual([p.name, p.scope === "symbol" ? "symbol" : "timeframe"])
    // The two sentiment readers give the same outcome for any candles and timeframe.
    const c = loadCandles("btcusdt-1m")
    const market = syntheticMarket(c, 700)
    for (const name of ["sentiment-funding", "sentiment-long-short"]) {
      const p = plugins.find((x) => x.name === name)!
      const a = run(p, { candles: window(c, 700, 1000), market, timeframe: "1m" })
      const b = run(p, { candles: window(c, 300, 0), market, timeframe: "4h" })
      expect(a.score, name).not.toBeNull()
      expect(b, name).toEqual(a)
    }
  })

  test("plugins that read exchange-only data declare it in `needs`", () => {
    const needs = (name: string) => plugins.find((p) => p.name === name)?.needs ?? []
    for (const p of plugins.filter((x) => x.component === "orderbook")) expect(needs(p.name)).toContain("orderbook")
    for (const p of plugins.filter((x) => x.component === "orderflow" && x.name !== "orderflow-oi-price"))
      expect(needs(p.name)).toContain("trades")
    expect(needs("orderflow-oi-price")).toContain("openInterest")
    expect(needs("sentiment-funding")).toContain("fundingRate")
    expect(needs("sentiment-liquidations")).toContain("liquidations")
    expect(needs("sentiment-long-short")).toContain("longShortRatio")
    expect(needs("sentiment-activity")).toContain("ticker")
  })
})
