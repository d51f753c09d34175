/**
 * @module OKX v5 REST wire formats (`/api/v5/...`) over the generated market: enough for ccxt's
 * okx `loadMarkets`, `fetchTime`, `fetchOHLCV`, `fetchOrderBook`, `fetchTrades`, `fetchTicker(s)`,
 * `fetchFundingRate`, `fetchOpenInterest` and `fetchLongShortRatioHistory`. Replies are
 * `{ code: "0", msg: "", data: [...] }`; errors keep HTTP 200 with OKX's own codes (ccxt maps them).
 * Its websocket protocol is in `okx-ws.ts`.
 */
import type { GeneratedMarket, Kline } from "./market.ts"
import { bookLevels, type MarketsFixture, type RestResult, str } from "./wire.ts"

/** OKX `bar` values (ccxt appends "utc" from 6h up) → ms. */
export const OKX_BARS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1H": 3_600_000,
  "2H": 7_200_000,
  "4H": 14_400_000,
  "6Hutc": 21_600_000,
  "12Hutc": 43_200_000,
  "1Dutc": 86_400_000,
}

/** The generated market's key for an OKX instrument: "BTC-USDT" and "BTC-USDT-SWAP" → "BTCUSDT". */
export const okxKey = (instId: string): string => instId.replace(/-SWAP$/, "").replaceAll("-", "")

/** Instrument records (the `info` of ccxt's okx markets fixture) by `instType`. */
export type OkxInstruments = ReadonlyArray<Record<string, unknown>>

export const okxInstruments = (fixture: MarketsFixture): OkxInstruments =>
  Object.values(fixture).flatMap((m) => (m.info ? [m.info] : []))

const ok = (data: unknown): RestResult => ({ status: 200, body: { code: "0", msg: "", data } })
const fail = (code: string, msg: string): RestResult => ({ status: 200, body: { code, msg, data: [] } })

/** OKX's 8-hourly funding, as the generated market defines it for every exchange. */
export const fundingRate = (now: number) => (0.0001 * ((Math.floor(now / 28_800_000) % 5) - 1)).toFixed(8)

/** One candle row: ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm ("1" once closed). */
export const okxCandleRow = (k: Kline) => [
  str(k.openTime),
  str(k.open),
  str(k.high),
  str(k.low),
  str(k.close),
  str(k.volume),
  str(Number((k.volume * k.close).toFixed(4))),
  str(Number((k.volume * k.close).toFixed(4))),
  k.closed ? "1" : "0",
]

export const okxTicker = (market: GeneratedMarket, instId: string, instType: string) => {
  const t = market.ticker(okxKey(instId))
  return {
    instType,
    instId,
    last: str(t.last),
    lastSz: "0.1",
    askPx: str(t.ask),
    askSz: "1",
    bidPx: str(t.bid),
    bidSz: "1",
    open24h: str(t.open),
    high24h: str(t.high),
    low24h: str(t.low),
    volCcy24h: str(t.quoteVolume),
    vol24h: str(t.baseVolume),
    ts: str(market.now),
    sodUtc0: str(t.open),
    sodUtc8: str(t.open),
  }
}

const candles = (market: GeneratedMarket, key: string, q: URLSearchParams): RestResult => {
  const tfMs = OKX_BARS[q.get("bar") ?? "1m"]
  if (tfMs === undefined) return fail("51000", "Parameter bar error")
  const limit = Math.min(Number(q.get("limit") ?? 100), 300)
  // `before`/`after` are exclusive bounds on the open time: newer than `before`, older than `after`.
  const before = q.get("before")
  const after = q.get("after")
  const rows = market.klines(key, tfMs, {
    start: before === null ? undefined : Number(before) + 1,
    end: after === null ? undefined : Number(after) - 1,
    limit,
  })
  return ok(rows.reverse().map(okxCandleRow)) // newest first
}

export const okxRest = (
  market: GeneratedMarket,
  instruments: OkxInstruments,
  path: string,
  q: URLSearchParams,
): RestResult => {
  if (!path.startsWith("/api/v5/")) return undefined
  const endpoint = path.slice("/api/v5/".length)
  if (endpoint === "public/time") return ok([{ ts: str(market.now) }])
  if (endpoint === "public/instruments") {
    const type = q.get("instType")
    const uly = q.get("uly")
    return ok(instruments.filter((i) => i.instType === type && (uly === null || i.uly === uly)))
  }
  if (endpoint === "market/tickers") {
    const type = q.get("instType") ?? "SPOT"
    const ids = instruments.filter((i) => i.instType === type).map((i) => String(i.instId))
    return ok(ids.filter((id) => market.symbol(okxKey(id))).map((id) => okxTicker(market, id, type)))
  }
  const instId = q.get("instId") ?? ""
  const key = okxKey(instId)
  if (!market.symbol(key)) return fail("51001", "Instrument ID does not exist")
  const swap = instId.endsWith("-SWAP")
  switch (endpoint) {
    case "market/candles":
    case "market/history-candles":
      return candles(market, key, q)
    case "market/books": {
      const sz = Math.min(Number(q.get("sz") ?? 1), 400)
      const book = market.book(key)
      const side = (levels: Array<[number, number]>) => bookLevels(levels, sz).map((l) => [...l, "0", "1"])
      return ok([{ asks: side(book.asks), bids: side(book.bids), ts: str(market.now) }])
    }
    case "market/trades":
    case "market/history-trades":
      return ok(
        market
          .recentTrades(key, Math.min(Number(q.get("limit") ?? 100), 500))
          .reverse()
          .map((t) => ({
            instId,
            side: t.buyerMaker ? "sell" : "buy",
            sz: str(t.amount),
            px: str(t.price),
            tradeId: str(t.id),
            ts: str(t.time),
          })),
      )
    case "market/ticker":
      return ok([okxTicker(market, instId, swap ? "SWAP" : "SPOT")])
    case "public/funding-rate": {
      if (!swap) return fail("51001", "Instrument ID does not exist")
      const next = (Math.floor(market.now / 28_800_000) + 1) * 28_800_000
      return ok([
        {
          instType: "SWAP",
          instId,
          fundingRate: fundingRate(market.now),
          nextFundingRate: "",
          fundingTime: str(next),
          nextFundingTime: str(next + 28_800_000),
          method: "current_period",
          ts: str(market.now),
        },
      ])
    }
    case "public/open-interest": {
      const oi = 10_000 + (Math.floor(market.now / 300_000) % 1000)
      const price = market.priceAt(key, market.now)
      return ok([
        { instId, instType: "SWAP", oi: str(oi * 100), oiCcy: str(oi), oiUsd: str(oi * price), ts: str(market.now) },
      ])
    }
    case "rubik/stat/contracts/long-short-account-ratio-contract": {
      const period = 300_000
      const last = Math.floor(market.now / period) * period
      const limit = Math.min(Number(q.get("limit") ?? 100), 100)
      const rows: Array<[string, string]> = []
      for (let i = 0; i < limit; i++) {
        const t = last - i * period
        const long = 0.4 + 0.2 * Math.abs(Math.sin(t / 1e7))
        rows.push([str(t), (long / (1 - long)).toFixed(4)])
      }
      return ok(rows) // newest first
    }
    default:
      return { status: 404, body: { code: "50000", msg: `unknown endpoint ${path}`, data: [] } }
  }
}
