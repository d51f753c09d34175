/**
 * The whole engine on Bybit through ccxt.pro against the local server, websockets included:
 * candles, the order book (snapshot, then deltas) and trades arrive over Bybit's v5 public
 * websocket protocol, liquidations over the linear socket's `allLiquidation` topic, and every
 * component Bybit's spot data can feed gets a score.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../../core/config/index.ts"
import { HttpServer } from "../../../../core/http/index.ts"
import { startApp, type RunningApp } from "../../../support/app.ts"
import { startFixtureExchange, type ExchangeServer } from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
beforeAll(async () => {
  server = await startFixtureExchange({ bybit: true, autoTickMs: 100 })
})
afterAll(() => server.stop())

type Item = { symbol: string; timeframe: string; score: number; components: Record<string, number | null> }

test("bybit over websockets: klines, order book and trades streamed; " +
  "every component scored (sentiment from the perpetuals)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-bybit-engine-"))
  const symbols = ["BTC/USDT", "ETH/USDT"]
  const config = parseConfig({
    exchange: { plugin: "ccxt", id: "bybit", urls: server.bybitUrls() },
    symbols: { static: symbols, top: 0 },
    http: { port: 0 },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
  })
  let app: RunningApp | undefined
  try {
    app = await startApp(config)
    const url = app.get(HttpServer).url
    const wanted = ["technical", "volume", "orderbook", "orderflow", "price_structure", "sentiment"]
    let items: Array<Item> = []
    const started = performance.now()
    const scored = (i: Item | undefined) => i !== undefined && wanted.every((c) => typeof i.components[c] === "number")
    while (performance.now() - started < 25_000) {
      items = ((await (await fetch(new URL("/v1/confluence", url))).json()) as { items: Array<Item> }).items
      if (symbols.every((s) => scored(items.find((i) => i.symbol === s && i.timeframe === "all")))) break
      await Bun.sleep(200)
    }
    for (const symbol of symbols) {
      const overall = items.find((i) => i.symbol === symbol && i.timeframe === "all")
      expect({ symbol, components: Object.fromEntries(wanted.map((c) => [c, typeof overall?.components[c]])) }).toEqual(
        { symbol, components: Object.fromEntries(wanted.map((c) => [c, "number"])) },
      )
    }
    // Then the data comes over Bybit's websocket topics: the streams take over from REST.
    const topics = [
      "kline.1.BTCUSDT",
      "orderbook.50.BTCUSDT",
      "publicTrade.BTCUSDT",
      "kline.240.ETHUSDT",
      "allLiquidation.BTCUSDT",
    ]
    await server.waitFor(
      () => topics.every((t) => server.subscribeLog.includes(t)) && server.ws.framesSent > 100,
      20_000,
      "bybit topics streaming",
    )
    const health = (await (await fetch(new URL("/health", url))).json()) as {
      components: { market: { details: { streams: { byMode: Record<string, number> } } } }
    }
    const modes = health.components.market.details.streams.byMode
    expect(modes.streaming).toBeGreaterThan(0)
    // Liquidations come from the linear socket's allLiquidation topic into the derivatives path.
    const since = performance.now()
    let liquidations: Array<{ side: string; amount: number }> = []
    while (liquidations.length === 0 && performance.now() - since < 15_000) {
      const page = (await (
        await fetch(new URL("/v1/events?type=market.derivatives&symbol=ETH/USDT&order=desc&limit=100", url))
      ).json()) as { items: Array<{ payload: { liquidations?: typeof liquidations } }> }
      liquidations = page.items.flatMap((e) => e.payload.liquidations ?? [])
      if (liquidations.length === 0) await Bun.sleep(200)
    }
    expect(liquidations.length).toBeGreaterThan(0)
  } finally {
    await app?.close()
  }
}, 60_000)
