/**
 * The ccxt plugin on Bybit v5 REST against the local exchange server: spot and linear markets,
 * candles, books, trades, tickers, funding and open interest, and a recorded reply.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import {
  EXTRA_SPOT,
  loadMarketsFixture,
  loadResponseFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
let binanceMarkets: Record<string, any>
const adapters: Array<CcxtAdapter> = []

const binance = (extra: Record<string, unknown> = {}) => {
  const a = createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false, ...extra })
  adapters.push(a)
  return a
}

beforeAll(async () => {
  binanceMarkets = await loadMarketsFixture("binance")
  server = startExchangeServer({
    binanceMarkets,
    bybitMarkets: await loadMarketsFixture("bybit"),
    extraSpot: EXTRA_SPOT,
  })
})

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()))
  await server.stop()
})

describe("bybit REST through ccxt (the plugin is not Binance-only)", () => {
  test("markets, multi-timeframe candles, book, trades, tickers", async () => {
    const a = createCcxtAdapter({ id: "bybit", urls: server.bybitUrls(), enableRateLimit: false })
    adapters.push(a)
    const before = server.count("/v5/market/instruments-info")
    const symbols = await a.loadSymbols()
    expect(server.count("/v5/market/instruments-info") - before).toBeGreaterThanOrEqual(3)
    expect(symbols).toContain("BTC/USDT")
    for (const [tf, step] of [
      ["1m", 60_000],
      ["5m", 300_000],
      ["4h", 14_400_000],
    ] as const) {
      const candles = await a.fetchOHLCV("BTC/USDT", tf, undefined, 50)
      expect(candles.length).toBe(50)
      expect(candles[1]!.time - candles[0]!.time).toBe(step) // oldest first although Bybit lists newest first
    }
    const binanceCandles = await binance().fetchOHLCV("BTC/USDT", "5m", undefined, 50)
    const bybitCandles = await a.fetchOHLCV("BTC/USDT", "5m", undefined, 50)
    expect(bybitCandles.map((c) => c.close)).toEqual(binanceCandles.map((c) => c.close)) // same generated market
    const book = await a.fetchOrderBook("BTC/USDT", 50)
    expect(book.bids.length).toBe(50)
    const trades = await a.fetchTrades("BTC/USDT", undefined, 5)
    expect(trades.length).toBe(5)
    expect(trades[0]!.time).toBeLessThanOrEqual(trades.at(-1)!.time)
    const ticker = await a.fetchTicker("BTC/USDT")
    expect(ticker.quoteVolume).toBeGreaterThan(0)
    expect(server.requests.some((r) => r.path === "/v5/market/kline" && r.query.includes("interval=240"))).toBe(true)
  })

  test("linear perpetuals: symbols, tickers, funding (ccxt 'emulated') and open interest", async () => {
    const a = createCcxtAdapter({
      id: "bybit",
      urls: server.bybitUrls(),
      enableRateLimit: false,
      marketType: "swap",
      options: { defaultType: "swap" },
    })
    adapters.push(a)
    const symbols = await a.loadSymbols()
    expect(symbols).toContain("BTC/USDT:USDT")
    expect(symbols.every((s) => s.includes(":"))).toBe(true)
    const tickers = await a.fetchTickers()
    expect(tickers.find((t) => t.symbol === "BTC/USDT:USDT")?.quoteVolume).toBeGreaterThan(0)
    expect(a.has.fetchFundingRate).toBe(true)
    expect(Number.isFinite((await a.fetchFundingRate!("BTC/USDT:USDT")).rate)).toBe(true)
    expect((await a.fetchOpenInterest!("BTC/USDT:USDT")).amount).toBeGreaterThan(0)
    expect((await a.fetchOHLCV("BTC/USDT:USDT", "1m", undefined, 3)).length).toBe(3)
    expect(server.requests.some((r) => r.path === "/v5/market/kline" && r.query.includes("category=linear"))).toBe(true)
  })

  test("recorded Bybit kline reply parses to ccxt's recorded result", async () => {
    const fixture = await loadResponseFixture("bybit")
    const a = createCcxtAdapter({
      id: "bybit",
      urls: server.bybitUrls(),
      enableRateLimit: false,
      markets: await loadMarketsFixture("bybit"),
    })
    adapters.push(a)
    const c = fixture.methods.fetchOHLCV![0]
    server.faults.http({ kind: "respond", status: 200, body: c.httpResponse }, { path: "/v5/market/kline" })
    const candles = await a.fetchOHLCV(c.input[0], c.input[1], c.input[2], c.input[3])
    expect(candles.map((x) => [x.time, x.open, x.high, x.low, x.close, x.volume])).toEqual(c.parsedResponse)
  })
})
