/**
 * @module What the faulty exchange answers when no fault applies: ccxt's recorded Binance
 * responses, or generated data on a fast server clock; and the error bodies of injected statuses.
 */
import responses from "../../fixtures/ccxt/resilience/binance-responses-spot.json" with { type: "json" }
import type { SyntheticMarket } from "./synthetic.ts"

/** Binance answers 429/418 with code -1003 JSON; a failing gateway answers 5xx with HTML. */
export const statusBody = (status: number): string =>
  status === 429 || status === 418
    ? JSON.stringify({
        code: -1003,
        msg: "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.",
      })
    : status >= 500
      ? `<html><body><h1>${status}</h1>injected fault</body></html>`
      : JSON.stringify({ code: -1100, msg: "Illegal characters found in a parameter." })

export const syntheticBody = (m: SyntheticMarket, path: string, q: URLSearchParams): unknown => {
  switch (path) {
    case "/api/v3/klines":
      return m.klines(q)
    case "/api/v3/depth":
      return m.depth(q)
    case "/api/v3/aggTrades":
      return m.aggTrades(q)
    case "/api/v3/ticker/24hr":
      return m.ticker24hr(q)
    case "/api/v3/time":
      return { serverTime: m.now() }
    default:
      return restBody(path, m.now())
  }
}

export const restBody = (path: string, now: number): unknown => {
  switch (path) {
    case "/api/v3/ping":
      return {}
    case "/api/v3/time":
      return { serverTime: now }
    case "/api/v3/ticker/price":
      return [
        { symbol: "BTCUSDT", price: "73369.84000000" },
        { symbol: "ETHUSDT", price: "3990.12000000" },
      ]
    case "/api/v3/ticker/24hr":
      return responses.fetchTicker.httpResponse
    case "/api/v3/klines":
      return responses.fetchOHLCV.httpResponse
    case "/api/v3/depth":
      return responses.fetchOrderBook.httpResponse
    case "/api/v3/aggTrades":
      return responses.fetchTrades.httpResponse
    default:
      return undefined
  }
}
