/**
 * @module Binance REST wire formats (spot `api/v3`, USDⓈ-M `fapi/v1`, `futures/data`), built from the
 * generated market. Its websocket stream protocol is in `binance-ws.ts`.
 * Shapes follow Binance's public API docs and ccxt's recorded responses.
 */
import type { GeneratedMarket, Kline } from "./market.ts"
import { bookLevels, instrumentsByFamily, str, type Instruments, type MarketsFixture, type RestResult } from "./wire.ts"

export const BINANCE_INTERVALS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
}

/** Raw instrument records by API family, taken from the ccxt markets fixture plus generated spot pairs. */
export type BinanceInstruments = Instruments

export const binanceInstruments = (
  fixture: MarketsFixture,
  extraSpot: ReadonlyArray<{ base: string; quote: string }>,
): BinanceInstruments => {
  const { spot, linear, inverse } = instrumentsByFamily(fixture)
  const template = spot.find((i) => i.symbol === "BTCUSDT") ?? spot[0]!
  const perpTemplate = linear.find((i) => i.symbol === "BTCUSDT")
  const perps = new Set(linear.map((i) => String(i.symbol)))
  for (const { base, quote } of extraSpot) {
    spot.push({ ...template, symbol: `${base}${quote}`, baseAsset: base, quoteAsset: quote })
    // a USDⓈ-M perpetual beside each generated USDT pair, so derivatives data exists for it too
    if (quote === "USDT" && perpTemplate && !perps.has(`${base}${quote}`)) {
      linear.push({
        ...perpTemplate,
        symbol: `${base}${quote}`,
        pair: `${base}${quote}`,
        baseAsset: base,
        quoteAsset: quote,
        marginAsset: quote,
      })
    }
  }
  return { spot, linear, inverse }
}

const klineRow = (k: Kline, tfMs: number) => [
  k.openTime,
  str(k.open),
  str(k.high),
  str(k.low),
  str(k.close),
  str(k.volume),
  k.openTime + tfMs - 1,
  str(Number((k.volume * k.close).toFixed(4))),
  100,
  str(k.volume / 2),
  "0",
  "0",
]

const error = (status: number, code: number, msg: string): RestResult => ({ status, body: { code, msg } })

/** Answers one Binance REST path, or undefined when the path is not Binance's. */
export const binanceRest = (
  market: GeneratedMarket,
  instruments: BinanceInstruments,
  path: string,
  q: URLSearchParams,
): RestResult => {
  const family = path.startsWith("/api/v3/")
    ? "spot"
    : path.startsWith("/fapi/") || path.startsWith("/futures/data/")
      ? "linear"
      : path.startsWith("/dapi/")
        ? "inverse"
        : undefined
  if (family === undefined) return undefined
  const endpoint = path.replace(/^\/(api\/v3|fapi\/v\d|dapi\/v\d|futures\/data)\//, "")
  if (endpoint === "exchangeInfo") {
    return {
      status: 200,
      body: {
        timezone: "UTC",
        serverTime: market.now,
        rateLimits: [],
        exchangeFilters: [],
        symbols: instruments[family],
      },
    }
  }
  if (endpoint === "time") return { status: 200, body: { serverTime: market.now } }
  if (endpoint === "ping") return { status: 200, body: {} }
  if (endpoint === "ticker/24hr") {
    const one = q.get("symbol")
    const many = q.get("symbols")
    const ids = one ? [one] : many ? (JSON.parse(many) as Array<string>) : [...market.symbols.keys()]
    const rows = []
    for (const id of ids) {
      if (!market.symbol(id)) return error(400, -1121, "Invalid symbol.")
      rows.push(ticker24h(market, id))
    }
    return { status: 200, body: one ? rows[0] : rows }
  }
  const id = q.get("symbol") ?? ""
  if (!market.symbol(id)) return error(400, -1121, "Invalid symbol.")
  switch (endpoint) {
    case "klines": {
      const tfMs = BINANCE_INTERVALS[q.get("interval") ?? ""]
      if (!tfMs) return error(400, -1120, "Invalid interval.")
      const start = q.get("startTime")
      const end = q.get("endTime")
      const rows = market.klines(id, tfMs, {
        start: start ? Number(start) : undefined,
        end: end ? Number(end) : undefined,
        limit: q.get("limit") ? Number(q.get("limit")) : 500,
      })
      return { status: 200, body: rows.map((k) => klineRow(k, tfMs)) }
    }
    case "depth": {
      const limit = Number(q.get("limit") ?? 100)
      const book = market.book(id)
      return {
        status: 200,
        body: {
          lastUpdateId: book.lastUpdateId,
          bids: bookLevels(book.bids, limit),
          asks: bookLevels(book.asks, limit),
        },
      }
    }
    case "aggTrades":
      return {
        status: 200,
        body: market.recentTrades(id, Number(q.get("limit") ?? 500)).map((t) => ({
          a: t.id,
          p: str(t.price),
          q: str(t.amount),
          f: t.id,
          l: t.id,
          T: t.time,
          m: t.buyerMaker,
          M: true,
        })),
      }
    case "trades":
      return {
        status: 200,
        body: market.recentTrades(id, Number(q.get("limit") ?? 500)).map((t) => ({
          id: t.id,
          price: str(t.price),
          qty: str(t.amount),
          quoteQty: str(t.price * t.amount),
          time: t.time,
          isBuyerMaker: t.buyerMaker,
          isBestMatch: true,
        })),
      }
    case "premiumIndex": {
      const last = market.priceAt(id, market.now)
      const rate = (0.0001 * ((Math.floor(market.now / 28_800_000) % 5) - 1)).toFixed(8)
      return {
        status: 200,
        body: {
          symbol: id,
          markPrice: str(last),
          indexPrice: str(last),
          estimatedSettlePrice: str(last),
          lastFundingRate: rate,
          interestRate: "0.00010000",
          nextFundingTime: (Math.floor(market.now / 28_800_000) + 1) * 28_800_000,
          time: market.now,
        },
      }
    }
    case "openInterest":
      return {
        status: 200,
        body: { openInterest: str(10_000 + (Math.floor(market.now / 300_000) % 1000)), symbol: id, time: market.now },
      }
    case "globalLongShortAccountRatio": {
      const period = BINANCE_INTERVALS[q.get("period") ?? "5m"] ?? 300_000
      const last = Math.floor(market.now / period) * period
      const limit = Math.min(Number(q.get("limit") ?? 30), 500)
      const rows = []
      for (let t = last - (limit - 1) * period; t <= last; t += period) {
        const long = 0.4 + 0.2 * Math.abs(Math.sin(t / 1e7))
        rows.push({
          symbol: id,
          longShortRatio: (long / (1 - long)).toFixed(4),
          longAccount: long.toFixed(4),
          shortAccount: (1 - long).toFixed(4),
          timestamp: str(t),
        })
      }
      return { status: 200, body: rows }
    }
    default:
      return error(404, -1000, `unknown endpoint ${path}`)
  }
}

const ticker24h = (market: GeneratedMarket, id: string) => {
  const t = market.ticker(id)
  return {
    symbol: id,
    priceChange: str(t.change),
    priceChangePercent: str(t.percentage),
    weightedAvgPrice: str(t.last),
    prevClosePrice: str(t.open),
    lastPrice: str(t.last),
    lastQty: "0.1",
    bidPrice: str(t.bid),
    bidQty: "1",
    askPrice: str(t.ask),
    askQty: "1",
    openPrice: str(t.open),
    highPrice: str(t.high),
    lowPrice: str(t.low),
    volume: str(t.baseVolume),
    quoteVolume: str(t.quoteVolume),
    openTime: market.now - 86_400_000,
    closeTime: market.now,
    firstId: 1,
    lastId: 1000,
    count: 1000,
  }
}
