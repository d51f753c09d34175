/**
 * The ccxt plugin on OKX against the local exchange server: v5 REST (markets, time, candles,
 * books, trades, tickers, funding, open interest, long/short ratio) and the v5 public websocket
 * through ccxt.pro (candles on `/business`, `books` with sequence ids, trades), plus recorded replies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import {
  loadMarketsFixture,
  loadResponseFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
const adapters: Array<CcxtAdapter> = []

const okx = (extra: Record<string, unknown> = {}) => {
  const a = createCcxtAdapter({ id: "okx", urls: server.okxUrls(), enableRateLimit: false, ...extra })
  adapters.push(a)
  return a
}

beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: {}, okxMarkets: await loadMarketsFixture("okx") })
})

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()))
  await server.stop()
})

describe("okx REST through ccxt", () => {
  test("markets, server time, candles oldest first, book, trades, tickers", async () => {
    const a = okx()
    const symbols = await a.loadSymbols()
    expect(symbols).toEqual(expect.arrayContaining(["BTC/USDT", "ETH/USDT"]))
    expect(server.requests.some((r) => r.path === "/api/v5/public/instruments" && r.query.includes("SWAP"))).toBe(true)
    expect(await a.fetchTime!()).toBe(server.market.now)
    for (const [tf, step, bar] of [
      ["1m", 60_000, "1m"],
      ["4h", 14_400_000, "4H"],
    ] as const) {
      const candles = await a.fetchOHLCV("BTC/USDT", tf, undefined, 50)
      expect(candles.length).toBe(50)
      expect(candles[1]!.time - candles[0]!.time).toBe(step)
      expect(candles.at(-1)!.time).toBe(Math.floor(server.market.now / step) * step)
      expect(server.requests.some((r) => r.path === "/api/v5/market/candles" && r.query.includes(`bar=${bar}`))).toBe(
        true,
      )
    }
    const since = server.market.now - 10 * 60_000
    const paged = await a.fetchOHLCV("ETH/USDT", "1m", since, 5)
    expect(paged.map((c) => c.time)).toEqual([0, 1, 2, 3, 4].map((i) => since + i * 60_000))
    const book = await a.fetchOrderBook("BTC/USDT", 50)
    expect(book.bids.length).toBe(50)
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0])
    const trades = await a.fetchTrades("BTC/USDT", undefined, 5)
    expect(trades.length).toBe(5)
    expect(trades[0]!.time).toBeLessThanOrEqual(trades.at(-1)!.time)
    const tickers = await a.fetchTickers()
    expect(tickers.find((t) => t.symbol === "BTC/USDT")?.quoteVolume).toBeGreaterThan(0)
    expect(tickers.every((t) => !t.symbol.includes(":"))).toBe(true)
  })

  test("1,000 candles arrive as consecutive 300-candle pages (OKX's limit), oldest first, newest open", async () => {
    const a = okx()
    await a.loadSymbols()
    const before = server.requests.length
    const candles = await a.fetchOHLCV("BTC/USDT", "1m", undefined, 1000)
    expect(candles.length).toBe(1000)
    for (let i = 1; i < candles.length; i++) expect(candles[i]!.time - candles[i - 1]!.time).toBe(60_000)
    expect(candles.at(-1)!.time).toBe(Math.floor(server.market.now / 60_000) * 60_000)
    const pages = server.requests.slice(before).filter((r) => r.path.startsWith("/api/v5/market/"))
    expect(pages.length).toBe(4)
    expect(pages.every((r) => Number(new URLSearchParams(r.query).get("limit")) <= 300)).toBe(true)
    // with `since`: forward pages from it
    const since = candles[100]!.time
    const forward = await a.fetchOHLCV("BTC/USDT", "1m", since, 700)
    expect(forward.map((c) => c.time)).toEqual(candles.slice(100, 800).map((c) => c.time))
  })

  test("derivatives from the perpetual: funding, open interest, long/short account ratio", async () => {
    const a = okx()
    await a.loadSymbols()
    expect(a.has).toMatchObject({ fetchFundingRate: true, fetchOpenInterest: true, fetchLongShortRatio: true })
    expect(a.has.fetchLiquidations).toBe(false) // ccxt's okx has no REST liquidations
    const funding = await a.fetchFundingRate!("BTC/USDT")
    expect(Number.isFinite(funding.rate)).toBe(true)
    expect(
      server.requests.some((r) => r.path === "/api/v5/public/funding-rate" && r.query.includes("BTC-USDT-SWAP")),
    ).toBe(true)
    expect((await a.fetchOpenInterest!("BTC/USDT")).amount).toBeGreaterThan(0)
    expect((await a.fetchLongShortRatio!("BTC/USDT")).ratio).toBeGreaterThan(0)
  })

  test("recorded OKX replies parse to ccxt's recorded results", async () => {
    const fixture = await loadResponseFixture("okx")
    const a = okx({ markets: await loadMarketsFixture("okx") })
    const c = fixture.methods.fetchOHLCV![0]
    server.faults.http({ kind: "respond", status: 200, body: c.httpResponse }, { path: "/api/v5/market/" })
    const candles = await a.fetchOHLCV(c.input[0], c.input[1], c.input[2], c.input[3])
    expect(candles.map((x) => [x.time, x.open, x.high, x.low, x.close, x.volume])).toEqual(c.parsedResponse)
    const t = fixture.methods.fetchTrades![0]
    server.faults.http({ kind: "respond", status: 200, body: t.httpResponse }, { path: "/api/v5/market/trades" })
    const trades = await a.fetchTrades(t.input[0], undefined, t.input[2])
    expect(trades.map((x) => [x.id, x.time, x.price, x.amount, x.side])).toEqual(
      t.parsedResponse.map((x: any) => [x.id, x.timestamp, x.price, x.amount, x.side]),
    )
  })

  test("an unknown instrument is OKX's 51001, which ccxt raises as BadSymbol", async () => {
    const a = okx()
    await a.loadSymbols()
    server.faults.http(
      { kind: "respond", status: 200, body: { code: "51001", msg: "Instrument ID does not exist", data: [] } },
      { path: "/api/v5/market/ticker" },
    )
    const e: any = await a.fetchTicker("BTC/USDT").catch((x) => x)
    expect(e?.constructor?.name).toBe("BadSymbol")
  })
})

describe("okx websocket through ccxt.pro", () => {
  test("candles on /business, the order book from a sequenced snapshot, trades on /public", async () => {
    const a = okx()
    await a.loadSymbols()
    const candles = a.watchOHLCV!("BTC/USDT", "1m")
    const book = a.watchOrderBook!("BTC/USDT", 50)
    const trades = a.watchTrades!("BTC/USDT")
    await server.waitFor(
      () => ["candle1m:BTC-USDT", "books:BTC-USDT", "trades:BTC-USDT"].every((t) => server.activeStreams().has(t)),
      10_000,
      "okx subscriptions",
    )
    expect(server.subscribeLog).toContain("candle1m:BTC-USDT")
    server.advance(60_000, { trades: 3 })
    const [c, b, t] = await Promise.all([candles, book, trades])
    expect(c.length).toBeGreaterThan(0)
    expect(c.at(-1)!.time % 60_000).toBe(0)
    expect(b.bids.length).toBe(50)
    expect(b.bids[0]![0]).toBeLessThan(b.asks[0]![0])
    expect(t.length).toBeGreaterThan(0)
    // the next book update applies on top of the snapshot (prevSeqId = the snapshot's seqId)
    const next = a.watchOrderBook!("BTC/USDT", 50)
    server.advance(1_000)
    const updated = await next
    expect(updated.bids.length).toBe(50)
    expect(server.ws.opened).toBeGreaterThanOrEqual(2) // /public and /business
  })
})
