/**
 * REST faults from the local exchange server (429, 418, 5xx, malformed JSON, hangs) surface as
 * ccxt errors, stamped with status and Retry-After, that the resilience layer classifies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { classifyCcxtError, describeFailure } from "../../../../core/resilience/index.ts"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import {
  closedPort,
  EXTRA_SPOT,
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"
import type { MarketsFixture } from "../../../support/exchange-server/wire.ts"

let server: ExchangeServer
let binanceMarkets: MarketsFixture
let bybitMarkets: MarketsFixture
let okxMarkets: MarketsFixture
const adapters: Array<CcxtAdapter> = []

const binance = (extra: Record<string, unknown> = {}) => {
  const a = createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false, ...extra })
  adapters.push(a)
  return a
}

beforeAll(async () => {
  binanceMarkets = await loadMarketsFixture("binance")
  bybitMarkets = await loadMarketsFixture("bybit")
  okxMarkets = await loadMarketsFixture("okx")
  server = startExchangeServer({
    binanceMarkets,
    bybitMarkets,
    okxMarkets,
    extraSpot: EXTRA_SPOT,
  })
})

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()))
  await server.stop()
})

describe("REST faults surface as ccxt errors the resilience layer can classify", () => {
  test("429 with Retry-After → a ccxt rate-limit error stamped with retryAfterMs", async () => {
    const a = binance()
    await a.loadSymbols()
    server.faults.rateLimit({ status: 429, retryAfter: 3, path: "/api/v3/ticker/24hr" })
    const e: any = await a.fetchTicker("BTC/USDT").catch((x) => x)
    expect(e).toBeInstanceOf(ccxt.DDoSProtection) // binance maps 418 and 429 alike
    expect(e.retryAfterMs).toBe(3000)
    expect(e.httpStatus).toBe(429)
    expect(classifyCcxtError(e, { exchange: "binance" }).reason).toMatchObject({ _tag: "RateLimited" })
  })

  test("418 (IP ban) → DDoSProtection stamped with retryAfterMs", async () => {
    const a = binance()
    await a.loadSymbols()
    server.faults.rateLimit({ status: 418, retryAfter: 120, path: "/api/v3/depth" })
    const e: any = await a.fetchOrderBook("BTC/USDT").catch((x) => x)
    expect(e).toBeInstanceOf(ccxt.DDoSProtection)
    expect(e.retryAfterMs).toBe(120_000)
    expect(e.httpStatus).toBe(418)
    expect(classifyCcxtError(e, { exchange: "binance" }).reason).toMatchObject({ _tag: "Banned" })
  })

  test("5xx → a retryable ccxt OperationFailed (binance body -1001, or a bare 502)", async () => {
    const a = binance()
    await a.loadSymbols()
    server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/klines" })
    const e: any = await a.fetchOHLCV("BTC/USDT", "1m").catch((x) => x)
    expect(e).toBeInstanceOf(ccxt.OperationFailed)
    expect(e.httpStatus).toBe(503)
    expect(classifyCcxtError(e, { exchange: "binance" }).reason._tag).toBe("ServerError")
    server.faults.http({ kind: "status", status: 502, body: "<html>Bad Gateway</html>" }, { path: "/api/v3/klines" })
    const bare: any = await a.fetchOHLCV("BTC/USDT", "1m").catch((x) => x)
    expect(bare).toBeInstanceOf(ccxt.ExchangeNotAvailable)
    expect(classifyCcxtError(bare, { exchange: "binance" }).reason._tag).toBe("ServerError")
  })

  test("malformed JSON → BadResponse instead of a parser crash", async () => {
    const a = binance()
    await a.loadSymbols()
    server.faults.http({ kind: "malformed" }, { path: "/api/v3/klines" })
    const e: any = await a.fetchOHLCV("BTC/USDT", "1m").catch((x) => x)
    expect(e).toBeInstanceOf(ccxt.BadResponse)
    expect(e.message).toContain("malformed JSON")
    expect(classifyCcxtError(e, { exchange: "binance" }).reason._tag).toBe("BadResponse")
    // and the next call is fine
    expect((await a.fetchOHLCV("BTC/USDT", "1m", undefined, 3)).length).toBe(3)
  })

  test("per-operation timeout fires with ccxt's RequestTimeout", async () => {
    const a = binance({ timeouts: { ticker: 150 } })
    await a.loadSymbols()
    server.faults.http({ kind: "hang", ms: 2_000 }, { path: "/api/v3/ticker/24hr" })
    const started = performance.now()
    const e: any = await a.fetchTicker("BTC/USDT").catch((x) => x)
    const took = performance.now() - started
    server.releaseHeld()
    expect(e).toBeInstanceOf(ccxt.RequestTimeout)
    expect(classifyCcxtError(e, { exchange: "binance" }).reason._tag).toBe("Timeout")
    expect(took).toBeGreaterThanOrEqual(140)
    expect(took).toBeLessThan(1_500)
    expect(a.settings.timeouts).toMatchObject({
      ticker: 150,
      orderBook: 15_000,
      trades: 15_000,
      ohlcv: 30_000,
      markets: 20_000,
    })
  })
})

// A 5xx with an error body ccxt does not know is its generic ExchangeError on Bybit and OKX, and
// no ccxt message names the URL then: the status and the stamped host still say what failed.
describe("the warning a failed call logs names its cause", () => {
  const venues = [
    { id: "binance", urls: () => server.binanceUrls(), path: "/api/v3/klines", markets: () => binanceMarkets },
    { id: "bybit", urls: () => server.bybitUrls(), path: "/v5/market/kline", markets: () => bybitMarkets },
    { id: "okx", urls: () => server.okxUrls(), path: "/api/v5/market/candles", markets: () => okxMarkets },
  ]
  for (const v of venues) {
    test(`${v.id}: a 503 reads as reason, host, HTTP status, ccxt's class and message`, async () => {
      const a = createCcxtAdapter({ id: v.id, urls: v.urls() as Record<string, unknown>, enableRateLimit: false })
      adapters.push(a)
      await a.loadSymbols()
      server.faults.http({ kind: "status", status: 503 }, { path: v.path })
      const e = await a.fetchOHLCV("BTC/USDT", "1m").catch((x: unknown) => x)
      const line = describeFailure(classifyCcxtError(e, { exchange: v.id }))
      expect(line).toMatch(new RegExp(`^ServerError from 127\\.0\\.0\\.1:${server.port}, HTTP 503 — \\w+: \\S`))
      expect(line).toContain(`${v.id} {"code":-1001`) // ccxt's message: the exchange's error body
    })

    test(`${v.id}: a refused connection reads as Network from the host, with ccxt's NetworkError`, async () => {
      const port = closedPort()
      const urls = JSON.parse(JSON.stringify(v.urls()).replaceAll(`:${server.port}`, `:${port}`))
      const a = createCcxtAdapter({ id: v.id, urls, enableRateLimit: false, markets: v.markets() })
      adapters.push(a)
      const e = await a.fetchOHLCV("BTC/USDT", "1m").catch((x: unknown) => x)
      expect(describeFailure(classifyCcxtError(e, { exchange: v.id }))).toMatch(
        new RegExp(`^Network from 127\\.0\\.0\\.1:${port} — NetworkError: ${v.id} GET http://127`),
      )
    })
  }
})
