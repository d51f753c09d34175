/**
 * The ccxt plugin through ccxt's real code path (URL building, HTTP, JSON, parsing, errors)
 * against the local exchange server: the plugin contract and Binance REST. REST faults are in
 * `rest-faults.test.ts`, Bybit REST in `bybit-rest.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Redacted } from "effect"
import plugin, {
  CcxtConfigError,
  createCcxtAdapter,
  type CcxtAdapter,
} from "../../../../plugins/exchanges/ccxt/index.ts"
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

describe("ccxt plugin contract", () => {
  test("default export is an apiVersion 1 exchange plugin named ccxt", async () => {
    expect(plugin).toMatchObject({ apiVersion: 1, kind: "exchange", name: "ccxt" })
    const a = await plugin.create({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false })
    adapters.push(a as CcxtAdapter)
    expect(a.id).toBe("binance")
  })

  test("unknown exchange id fails naming the key", () => {
    expect(() => createCcxtAdapter({ id: "no-such-exchange" })).toThrow(CcxtConfigError)
    expect(() => createCcxtAdapter({ id: "no-such-exchange" })).toThrow(/exchange\.id/)
  })

  test("rate limiter is on by default, off only when asked", () => {
    const on = createCcxtAdapter({ id: "binance", urls: server.binanceUrls() })
    adapters.push(on)
    expect(on.exchange.enableRateLimit).toBe(true)
    expect(binance().exchange.enableRateLimit).toBe(false)
  })

  test("keys stay Redacted in settings and are unwrapped only into ccxt", () => {
    const a = binance({ apiKey: Redacted.make("key-123"), secret: "plain-secret-456" })
    expect(Redacted.isRedacted(a.settings.apiKey)).toBe(true)
    expect(Redacted.isRedacted(a.settings.secret)).toBe(true)
    const dumped = JSON.stringify(a.settings) + String(a.settings.apiKey) + String(a.settings.secret)
    expect(dumped).not.toContain("key-123")
    expect(dumped).not.toContain("plain-secret-456")
    expect(a.exchange.apiKey).toBe("key-123")
    expect(a.exchange.secret).toBe("plain-secret-456")
  })
})

describe("binance REST through ccxt", () => {
  test("markets load once from exchangeInfo and are cached", async () => {
    const a = binance()
    const before = server.count("exchangeInfo")
    const [s1, s2] = await Promise.all([a.loadSymbols(), a.loadSymbols()])
    expect(server.count("exchangeInfo") - before).toBe(3) // spot + linear + inverse, once
    await a.fetchTicker("BTC/USDT")
    await a.loadSymbols()
    expect(server.count("exchangeInfo") - before).toBe(3)
    expect(s1).toEqual(s2)
    expect(s1).toContain("BTC/USDT")
    expect(s1).toContain("SOL/USDT") // generated pair from the extra list
    expect(s1.every((s) => !s.includes(":"))).toBe(true) // spot only by default
    const swaps = await binance({ marketType: "swap" }).loadSymbols()
    expect(swaps).toContain("BTC/USDT:USDT")
  })

  test("backfills several timeframes with the configured depths", async () => {
    const a = binance()
    const depths = { "1m": 1000, "5m": 300, "30m": 200, "4h": 200 } as const
    for (const [tf, n] of Object.entries(depths)) {
      const candles = await a.fetchOHLCV("BTC/USDT", tf as keyof typeof depths, undefined, n)
      expect(candles.length).toBe(n)
      const step = { "1m": 60_000, "5m": 300_000, "30m": 1_800_000, "4h": 14_400_000 }[tf]!
      for (let i = 1; i < candles.length; i++) expect(candles[i]!.time - candles[i - 1]!.time).toBe(step)
      expect(candles.at(-1)!.time).toBe(Math.floor(server.market.now / step) * step) // newest is the open one
      expect(candles.every((c) => c.high >= c.low && c.volume >= 0)).toBe(true)
    }
    const q = server.requests.filter((r) => r.path === "/api/v3/klines").map((r) => new URLSearchParams(r.query))
    expect(q.map((p) => `${p.get("interval")}x${p.get("limit")}`)).toEqual(
      expect.arrayContaining(["1mx1000", "5mx300", "30mx200", "4hx200"]),
    )
  })

  test("since pages forward from a point in time", async () => {
    const a = binance()
    const since = server.market.now - 10 * 60_000
    const candles = await a.fetchOHLCV("ETH/USDT", "1m", since, 5)
    expect(candles.map((c) => c.time)).toEqual([0, 1, 2, 3, 4].map((i) => since + i * 60_000))
  })

  test("an incremental fetch asks only for candles that can exist (request weight follows limit)", async () => {
    const a = createCcxtAdapter({
      id: "binance",
      urls: server.binanceUrls(),
      enableRateLimit: false,
      now: () => server.market.now,
    })
    adapters.push(a)
    const since = server.market.now - 3 * 60_000
    const candles = await a.fetchOHLCV("BTC/USDT", "1m", since, 1001)
    expect(candles.length).toBe(4) // 3 closed + the open one
    const last = server.requests.filter((r) => r.path === "/api/v3/klines").at(-1)!
    expect(new URLSearchParams(last.query).get("limit")).toBe("5")
  })

  test("order book: 50 levels, best first; recent trades with sides", async () => {
    const a = binance()
    const book = await a.fetchOrderBook("BTC/USDT", 50)
    expect(book.bids.length).toBe(50)
    expect(book.asks.length).toBe(50)
    expect(book.bids[0]![0]).toBeGreaterThan(book.bids[1]![0])
    expect(book.asks[0]![0]).toBeLessThan(book.asks[1]![0])
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0])
    const trades = await a.fetchTrades("BTC/USDT", undefined, 10)
    expect(trades.length).toBe(10)
    expect(trades.every((t) => (t.side === "buy" || t.side === "sell") && t.price > 0 && t.amount > 0)).toBe(true)
  })

  test("tickers carry 24h quote turnover for ranking", async () => {
    const a = binance()
    const tickers = await a.fetchTickers()
    const sol = tickers.find((t) => t.symbol === "SOL/USDT")
    expect(sol?.quoteVolume).toBe(90_000_000)
    expect(tickers.find((t) => t.symbol === "ETH/BTC")).toBeDefined()
    const one = await a.fetchTicker("BTC/USDT")
    expect(one.last).toBeGreaterThan(0)
    expect(one.bid).toBeLessThan(one.ask!)
  })

  test("derivatives data is capability-checked and read from the perpetual", async () => {
    const a = binance()
    await a.loadSymbols()
    expect(a.has.fetchFundingRate).toBe(true)
    expect(a.has.fetchOpenInterest).toBe(true)
    expect(a.has.fetchLongShortRatio).toBe(true)
    const before = server.count("/fapi/v1/premiumIndex")
    const funding = await a.fetchFundingRate!("BTC/USDT")
    expect(server.count("/fapi/v1/premiumIndex") - before).toBe(1)
    expect(funding.symbol).toBe("BTC/USDT")
    expect(Number.isFinite(funding.rate)).toBe(true)
    const oi = await a.fetchOpenInterest!("BTC/USDT")
    expect(oi.amount).toBeGreaterThan(0)
    const ratio = await a.fetchLongShortRatio!("BTC/USDT")
    expect(ratio.ratio).toBeGreaterThan(0)
    // a spot pair without a perpetual has no derivatives data: an error, never a made-up number
    await expect(a.fetchFundingRate!("ETH/BTC")).rejects.toBeInstanceOf(ccxt.BadSymbol)
    expect((await a.fetchFundingRate!("SOL/USDT")).symbol).toBe("SOL/USDT") // generated pair with a generated perpetual
  })

  test("recorded Binance replies parse to ccxt's recorded results", async () => {
    const fixture = await loadResponseFixture("binance")
    const a = binance({ markets: binanceMarkets })
    const ohlcv = fixture.methods.fetchOHLCV!.find((c) => c.description === "Spot OHLCV with since and limit")
    server.faults.http({ kind: "respond", status: 200, body: ohlcv.httpResponse }, { path: "/api/v3/klines" })
    const candles = await a.fetchOHLCV(ohlcv.input[0], ohlcv.input[1], ohlcv.input[2], ohlcv.input[3])
    expect(candles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume])).toEqual(ohlcv.parsedResponse)

    const bookCase = fixture.methods.fetchOrderBook!.find((c) => c.description === "spot orderbook")
    server.faults.http({ kind: "respond", status: 200, body: bookCase.httpResponse }, { path: "/api/v3/depth" })
    const book = await a.fetchOrderBook(bookCase.input[0], bookCase.input[1])
    expect(book.bids).toEqual(bookCase.parsedResponse.bids)
    expect(book.asks).toEqual(bookCase.parsedResponse.asks)

    const tradeCase = fixture.methods.fetchTrades![0]
    server.faults.http({ kind: "respond", status: 200, body: tradeCase.httpResponse }, { path: "/api/v3/aggTrades" })
    const trades = await a.fetchTrades(tradeCase.input[0], undefined, tradeCase.input[2])
    expect(trades.map((t) => [t.id, t.time, t.price, t.amount, t.side])).toEqual(
      tradeCase.parsedResponse.map((t: any) => [t.id, t.timestamp, t.price, t.amount, t.side]),
    )
  })
})
