/**
 * @module The whole engine on one exchange through ccxt.pro against the local server, websockets
 * included: every component that exchange can feed gets a score, candles, the order book and
 * trades then arrive over its websocket protocol (the streams take over from the backfill), and
 * liquidations from its perpetuals' stream reach `market.derivatives`.
 */
import { expect } from "bun:test"
import { startApp, type RunningApp } from "../../../support/app.ts"
import { eventually } from "../../../support/eventually.ts"
import type { ExchangeServer } from "../../../support/exchange-server/index.ts"
import { ccxtEngineConfig } from "./engine-config.ts"

export interface EngineVenue {
  readonly id: "binance" | "bybit" | "okx"
  readonly urls: (server: ExchangeServer) => unknown
  /** Topics the server must see subscribed: 1m candles, book, trades, 4h candles, liquidations. */
  readonly topics: ReadonlyArray<string>
}

export const ENGINE_VENUES: ReadonlyArray<EngineVenue> = [
  {
    id: "binance",
    urls: (s) => s.binanceUrls(),
    topics: ["btcusdt@kline_1m", "btcusdt@depth@100ms", "btcusdt@trade", "ethusdt@kline_4h", "btcusdt@forceOrder"],
  },
  {
    id: "bybit",
    urls: (s) => s.bybitUrls(),
    topics: [
      "kline.1.BTCUSDT",
      "orderbook.50.BTCUSDT",
      "publicTrade.BTCUSDT",
      "kline.240.ETHUSDT",
      "allLiquidation.BTCUSDT",
    ],
  },
  {
    id: "okx",
    urls: (s) => s.okxUrls(),
    topics: ["candle1m:BTC-USDT", "books:BTC-USDT", "trades:BTC-USDT", "candle4H:ETH-USDT", "liquidation-orders:SWAP"],
  },
]

/** Every score component spot data plus the perpetuals' derivatives can feed. */
const COMPONENTS = ["technical", "volume", "orderbook", "orderflow", "price_structure", "sentiment"]
const SYMBOLS = ["BTC/USDT", "ETH/USDT"]

type Item = { symbol: string; timeframe: string; score: number; components: Record<string, number | null> }
type Liquidation = { side: string; amount: number }

export const engineOverWebsockets = async (server: ExchangeServer, venue: EngineVenue): Promise<void> => {
  const config = ccxtEngineConfig({ id: venue.id, urls: venue.urls(server) }, SYMBOLS)
  let app: RunningApp | undefined
  try {
    app = await startApp(config)
    const url = app.url()
    const get = async <A>(path: string): Promise<A> => (await (await fetch(new URL(path, url))).json()) as A
    const overall = (items: ReadonlyArray<Item>, symbol: string) =>
      items.find((i) => i.symbol === symbol && i.timeframe === "all")
    const components = (item: Item | undefined): Record<string, string> =>
      Object.fromEntries(COMPONENTS.map((c) => [c, typeof item?.components[c]]))
    const items = await eventually(
      `${venue.id}: every component scored for ${SYMBOLS.join(", ")}`,
      async () => (await get<{ items: Array<Item> }>("/v1/confluence")).items,
      (items) => SYMBOLS.every((s) => Object.values(components(overall(items, s))).every((t) => t === "number")),
      { timeoutMs: 25_000, intervalMs: 100 },
      // past the deadline, the per-symbol comparison below says which component is missing
    ).catch(() => get<{ items: Array<Item> }>("/v1/confluence").then((r) => r.items))
    const allNumbers = Object.fromEntries(COMPONENTS.map((c) => [c, "number"]))
    for (const symbol of SYMBOLS) {
      expect({ symbol, components: components(overall(items, symbol)) }).toEqual({ symbol, components: allNumbers })
    }
    // Then the data comes over the exchange's websocket topics: the streams take over.
    await server.waitFor(
      () => venue.topics.every((t) => server.subscribeLog.includes(t)) && server.ws.framesSent > 100,
      20_000,
      `${venue.id} topics streaming`,
    )
    const health = await get<{ components: { market: { details: { streams: { byMode: Record<string, number> } } } } }>(
      "/health",
    )
    expect(health.components.market.details.streams.byMode.streaming).toBeGreaterThan(0)
    // Liquidations from the perpetuals' stream reach the derivatives path.
    const liquidations = await eventually(
      `${venue.id} liquidations in market.derivatives`,
      async () => {
        const path = "/v1/events?type=market.derivatives&order=desc&limit=200"
        const page = await get<{ items: Array<{ payload: { liquidations?: Array<Liquidation> } }> }>(path)
        return page.items.flatMap((e) => e.payload.liquidations ?? [])
      },
      (rows) => rows.length > 0,
      { timeoutMs: 15_000, intervalMs: 100 },
    )
    expect(liquidations.every((l) => (l.side === "long" || l.side === "short") && l.amount > 0)).toBe(true)
  } finally {
    await app?.close()
  }
}
