import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  PluginHost,
  scopeOf,
  validatePlugin,
  type BaseContext,
  type IndicatorOutcome,
} from "../../../core/plugins/index.ts"
import { candles, context, runHost } from "./support.ts"

// Real plugin files in a temp folder. Each one's score says what it read, so a test can tell a
// shared outcome from a per-timeframe one without looking inside the host.
const dir = mkdtempSync(join(tmpdir(), "virtuoso-scope-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const plugin = (file: string, body: string) => writeFileSync(join(dir, file), `export default ${body}\n`)
// Derived "symbol": lookback 0, needs only the book. Scores from the book's best bid.
plugin(
  "book-reader.ts",
  `{ apiVersion: 1, kind: "indicator", name: "book-reader", component: "orderbook", lookback: 0, needs: ["orderbook"],
  compute: (ctx) => ({ score: ctx.orderbook.bids[0][0] % 100, values: { bid: ctx.orderbook.bids[0][0] } }) }`,
)
// Matches the rule but declares "timeframe": it reads candles, so it must run per timeframe.
plugin(
  "book-and-candles.ts",
  `{ apiVersion: 1, kind: "indicator", name: "book-and-candles", component: "orderbook", lookback: 0,
    needs: ["orderbook"], scope: "timeframe",
  compute: (ctx) => ({ score: ctx.candles.close.length % 100 }) }`,
)
// Declared "symbol" with a non-book need (lookback 0).
plugin(
  "funding-reader.ts",
  `{ apiVersion: 1, kind: "indicator", name: "funding-reader", component: "sentiment", lookback: 0,
    needs: ["fundingRate"], scope: "symbol",
  compute: (ctx) => ({ score: 50 + ctx.market.fundingRate.rate * 1000 }) }`,
)
// Timeframe-scoped by default: reads candles.
plugin(
  "candle-counter.ts",
  `{ apiVersion: 1, kind: "indicator", name: "candle-counter", component: "technical", lookback: 5,
  compute: (ctx) => ({ score: ctx.candles.close.length % 100, reason: ctx.timeframe }) }`,
)
// A symbol-scoped plugin that always throws: its failures count once per symbol pass.
plugin(
  "book-thrower.ts",
  `{ apiVersion: 1, kind: "indicator", name: "book-thrower", component: "orderbook", lookback: 0, needs: ["trades"],
  compute: () => { throw new Error("boom") } }`,
)

const book = { symbol: "BTC/USDT", time: 0, bids: [[142, 1]] as const, asks: [[143, 1]] as const }
const trades = [{ id: "1", time: 0, price: 142.5, amount: 1, side: "buy" as const }]
const market = { fundingRate: { rate: 0.01, time: 0 } } as unknown as BaseContext["market"]
const frames = (n: ReadonlyArray<number>, shared = true): Array<BaseContext> =>
  n.map((len, i) =>
    context("BTC/USDT", {
      timeframe: (["1m", "5m", "30m", "4h"] as const)[i],
      candles: candles(len),
      orderbook: shared ? book : { ...book },
      trades,
      market,
    }),
  )
// Timings differ between calls, and the thrower's breaker moves on with every call: compare the rest.
const strip = (xs: ReadonlyArray<IndicatorOutcome>) =>
  xs.filter((o) => o.name !== "book-thrower").map(({ micros: _micros, ...rest }) => rest)
const callsOf = (host: PluginHost["Service"]) =>
  Effect.map(host.list, (rows) => Object.fromEntries(rows.map((r) => [r.name, r.calls])))

describe("plugin scope", () => {
  test("scopeOf: declared wins; otherwise symbol only for lookback 0 with needs ⊆ {orderbook, trades}", () => {
    expect(scopeOf({ lookback: 0, needs: ["orderbook"] })).toBe("symbol")
    expect(scopeOf({ lookback: 0, needs: ["orderbook", "trades"] })).toBe("symbol")
    expect(scopeOf({ lookback: 0, needs: ["orderbook"], scope: "timeframe" })).toBe("timeframe")
    expect(scopeOf({ lookback: 0, needs: ["fundingRate"] })).toBe("timeframe") // may read candles (sentiment-risk does)
    expect(scopeOf({ lookback: 0, needs: ["fundingRate"], scope: "symbol" })).toBe("symbol")
    expect(scopeOf({ lookback: 0 })).toBe("timeframe")
    expect(scopeOf({ lookback: 0, needs: [] })).toBe("timeframe")
    expect(scopeOf({ lookback: 3, needs: ["trades"] })).toBe("timeframe")
  })

  test("the schema checks scope: a known value, and symbol only with lookback 0", () => {
    const base = {
      apiVersion: 1,
      kind: "indicator",
      name: "s-1",
      component: "orderbook",
      lookback: 0,
      compute: () => ({ score: 50 }),
    }
    expect(validatePlugin({ ...base, scope: "symbol" }, "f.ts").ok).toBe(true)
    expect(validatePlugin({ ...base, scope: "timeframe", lookback: 9 }, "f.ts").ok).toBe(true)
    const bad = validatePlugin({ ...base, scope: "exchange" }, "f.ts")
    expect(bad.ok ? "" : bad.message).toBe('f.ts (plugin "s-1"): field "scope" must be one of symbol, timeframe')
    const candleBound = validatePlugin({ ...base, scope: "symbol", lookback: 14 }, "f.ts")
    expect(candleBound.ok ? "" : candleBound.message).toBe(
      'f.ts (plugin "s-1"): field "scope" "symbol" needs lookback 0 (a per-symbol result must not read candles), ' +
        "got lookback 14",
    )
  })
})

describe("PluginHost.evaluateSymbol", () => {
  test("one list per timeframe, each what evaluate gives; symbol-scoped plugins called once and shared", async () => {
    const { perSymbol, perContext, calls } = await runHost(
      { folders: [dir] },
      Effect.gen(function* () {
        const host = yield* PluginHost
        const ctxs = frames([60, 30, 20, 10])
        const perSymbol = yield* host.evaluateSymbol(ctxs)
        const calls = yield* callsOf(host)
        const perContext = yield* Effect.forEach(ctxs, (c) => host.evaluate(c))
        return { perSymbol, perContext, calls }
      }),
    )
    expect(perSymbol.map(strip)).toEqual(perContext.map(strip))
    expect(perSymbol[0].map((o) => o.name)).toEqual([
      "book-and-candles",
      "book-reader",
      "book-thrower",
      "candle-counter",
      "funding-reader",
    ])
    // book-reader, funding-reader and book-thrower: once for four timeframes; the others four times.
    expect(calls).toEqual({
      "book-and-candles": 4,
      "book-reader": 1,
      "book-thrower": 1,
      "candle-counter": 4,
      "funding-reader": 1,
    })
    const reader = perSymbol.map((list) => list.find((o) => o.name === "book-reader")!)
    expect(reader[0]).toMatchObject({ status: "ok", score: 42, values: { bid: 142 } })
    expect(new Set(reader).size).toBe(1) // the very same outcome object on every timeframe
    expect(perSymbol.map((list) => list.find((o) => o.name === "candle-counter")!.reason)).toEqual([
      "1m",
      "5m",
      "30m",
      "4h",
    ])
    expect(perSymbol.map((list) => list.find((o) => o.name === "book-and-candles")!.score)).toEqual([60, 30, 20, 10])
  })

  test(
    "timeframes carrying different book objects get a call " +
      "each (nothing shared unless all symbol data is the same)",
    async () => {
      const calls = await runHost(
        { folders: [dir] },
        Effect.gen(function* () {
          const host = yield* PluginHost
          yield* host.evaluateSymbol(frames([60, 30, 20], false))
          return yield* callsOf(host)
        }),
      )
      expect(calls["book-reader"]).toBe(3)
      expect(calls["funding-reader"]).toBe(3)
      expect(calls["candle-counter"]).toBe(3)
    },
  )

  test(
    "a shared call's failure counts once on the breaker " + "per symbol pass; components filter; empty input",
    async () => {
      const result = await runHost(
        { folders: [dir] },
        Effect.gen(function* () {
          const host = yield* PluginHost
          const first = yield* host.evaluateSymbol(frames([60, 30, 20, 10]))
          const afterOne = (yield* host.list).find((p) => p.name === "book-thrower")!
          yield* host.evaluateSymbol(frames([60, 30, 20, 10]))
          yield* host.evaluateSymbol(frames([60, 30, 20, 10]))
          const afterThree = (yield* host.list).find((p) => p.name === "book-thrower")!
          const onlyTechnical = yield* host.evaluateSymbol(frames([60, 30]), new Set(["technical"] as const))
          const none = yield* host.evaluateSymbol([])
          return { first, afterOne, afterThree, onlyTechnical, none }
        }),
      )
      expect(result.first.map((l) => l.find((o) => o.name === "book-thrower")!.status)).toEqual([
        "failed",
        "failed",
        "failed",
        "failed",
      ])
      expect(result.afterOne).toMatchObject({ calls: 1, errors: 1, state: "active" })
      expect(result.afterThree).toMatchObject({ calls: 3, errors: 3, state: "quarantined" })
      expect(result.onlyTechnical.map((l) => l.map((o) => o.name))).toEqual([["candle-counter"], ["candle-counter"]])
      expect(result.none).toEqual([])
    },
  )
})
