/**
 * @module Bybit v5 REST wire formats (`/v5/market/*`) over the generated market: enough for ccxt's
 * bybit `loadMarkets`, `fetchOHLCV`, `fetchOrderBook`, `fetchTrades`, `fetchTicker(s)`, funding and
 * open interest (linear tickers, `open-interest`) and the long/short account ratio (`account-ratio`).
 * Its public websocket protocol is in `bybit-ws.ts`.
 */
import type { GeneratedMarket } from "./market.ts"
import { bookLevels, instrumentsByFamily, str, type Instruments, type MarketsFixture, type RestResult } from "./wire.ts"

const INTERVALS: Readonly<Record<string, number>> = {
  "1": 60_000,
  "3": 180_000,
  "5": 300_000,
  "15": 900_000,
  "30": 1_800_000,
  "60": 3_600_000,
  "120": 7_200_000,
  "240": 14_400_000,
  D: 86_400_000,
}

export type BybitInstruments = Instruments

export const bybitInstruments = (fixture: MarketsFixture): BybitInstruments => instrumentsByFamily(fixture)

const ok = (market: GeneratedMarket, result: unknown): RestResult => ({
  status: 200,
  body: { retCode: 0, retMsg: "OK", result, retExtInfo: {}, time: market.now },
})

const fail = (retCode: number, retMsg: string): RestResult => ({
  status: 200,
  body: { retCode, retMsg, result: {}, retExtInfo: {}, time: 0 },
})

export const bybitRest = (
  market: GeneratedMarket,
  instruments: BybitInstruments,
  path: string,
  q: URLSearchParams,
): RestResult => {
  if (!path.startsWith("/v5/")) return undefined
  const endpoint = path.slice("/v5/".length)
  const category = (q.get("category") ?? "spot") as keyof BybitInstruments | "option"
  if (endpoint === "market/time") {
    return ok(market, { timeSecond: str(Math.floor(market.now / 1000)), timeNano: `${market.now}000000` })
  }
  if (endpoint === "market/instruments-info") {
    const list = category === "option" ? [] : (instruments[category] ?? [])
    return ok(market, { category, list, nextPageCursor: "" })
  }
  if (endpoint === "market/tickers") {
    const one = q.get("symbol")
    const ids = one ? [one] : [...market.symbols.keys()]
    return ok(market, {
      category,
      list: ids.filter((id) => market.symbol(id)).map((id) => bybitTicker(market, id, category !== "spot")),
    })
  }
  const id = q.get("symbol") ?? ""
  if (!market.symbol(id)) return fail(10001, "params error: symbol invalid")
  switch (endpoint) {
    case "market/kline": {
      const tfMs = INTERVALS[q.get("interval") ?? ""]
      if (!tfMs) return fail(10001, "params error: interval invalid")
      const start = q.get("start")
      const end = q.get("end")
      const rows = market.klines(id, tfMs, {
        start: start ? Number(start) : undefined,
        end: end ? Number(end) : undefined,
        limit: q.get("limit") ? Number(q.get("limit")) : 200,
      })
      // Bybit lists newest first
      const list = rows
        .reverse()
        .map((k) => [
          str(k.openTime),
          str(k.open),
          str(k.high),
          str(k.low),
          str(k.close),
          str(k.volume),
          str(k.volume * k.close),
        ])
      return ok(market, { symbol: id, category, list })
    }
    case "market/orderbook": {
      const limit = Number(q.get("limit") ?? 25)
      const book = market.book(id)
      return ok(market, {
        s: id,
        b: bookLevels(book.bids, limit),
        a: bookLevels(book.asks, limit),
        ts: market.now,
        u: book.lastUpdateId,
        seq: book.lastUpdateId,
      })
    }
    case "market/open-interest":
      return ok(market, {
        symbol: id,
        category,
        list: [
          {
            openInterest: str(10_000 + (Math.floor(market.now / 300_000) % 1000)),
            timestamp: str(Math.floor(market.now / 300_000) * 300_000),
          },
        ],
        nextPageCursor: "",
      })
    case "market/account-ratio": {
      // newest first, like Bybit; the same long share the other exchanges report
      const period = 300_000
      const last = Math.floor(market.now / period) * period
      const limit = Math.min(Number(q.get("limit") ?? 50), 500)
      const list = Array.from({ length: limit }, (_, i) => {
        const t = last - i * period
        const long = 0.4 + 0.2 * Math.abs(Math.sin(t / 1e7))
        return { symbol: id, buyRatio: long.toFixed(4), sellRatio: (1 - long).toFixed(4), timestamp: str(t) }
      })
      return ok(market, { list, nextPageCursor: "" })
    }
    case "market/recent-trade":
      return ok(market, {
        category,
        list: market
          .recentTrades(id, Number(q.get("limit") ?? 60))
          .reverse()
          .map((t) => ({
            execId: `e${t.id}`,
            symbol: id,
            price: str(t.price),
            size: str(t.amount),
            side: t.buyerMaker ? "Sell" : "Buy",
            time: str(t.time),
            isBlockTrade: false,
          })),
      })
    default:
      return { status: 404, body: { retCode: 404, retMsg: `unknown endpoint ${path}` } }
  }
}

const bybitTicker = (market: GeneratedMarket, id: string, contract: boolean) => {
  const t = market.ticker(id)
  const spot = {
    symbol: id,
    lastPrice: str(t.last),
    bid1Price: str(t.bid),
    bid1Size: "1",
    ask1Price: str(t.ask),
    ask1Size: "1",
    prevPrice24h: str(t.open),
    price24hPcnt: str(t.percentage / 100),
    highPrice24h: str(t.high),
    lowPrice24h: str(t.low),
    turnover24h: str(t.quoteVolume),
    volume24h: str(t.baseVolume),
  }
  if (!contract) return spot
  // linear tickers also carry the derivatives fields (ccxt tells spot from contract by openInterestValue)
  return {
    ...spot,
    markPrice: str(t.last),
    indexPrice: str(t.last),
    openInterest: "10000",
    openInterestValue: str(10_000 * t.last),
    fundingRate: (0.0001 * ((Math.floor(market.now / 28_800_000) % 5) - 1)).toFixed(8),
    nextFundingTime: str((Math.floor(market.now / 28_800_000) + 1) * 28_800_000),
  }
}
