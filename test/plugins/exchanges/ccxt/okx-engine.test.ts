/**
 * The whole engine on OKX through ccxt.pro against the local server, websockets included:
 * candles (`/business`), the order book (`books`: a snapshot, then updates chained by seqId) and
 * trades arrive over OKX's v5 websocket protocol; funding, open interest and the long/short ratio
 * come from the perpetuals over REST. Every component OKX can feed gets a score.
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
  server = await startFixtureExchange({ okx: true, autoTickMs: 100 })
})
afterAll(() => server.stop())

type Item = { symbol: string; timeframe: string; score: number; components: Record<string, number | null> }

test("okx over websockets: candles, order book and trades streamed; every component scored", async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-okx-engine-"))
  const symbols = ["BTC/USDT", "ETH/USDT"]
  const config = parseConfig({
    exchange: { plugin: "ccxt", id: "okx", urls: server.okxUrls() },
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
    // Then the data comes over OKX's websocket channels: the streams take over from REST.
    const topics = [
      "candle1m:BTC-USDT",
      "books:BTC-USDT",
      "trades:BTC-USDT",
      "candle4H:ETH-USDT",
      "liquidation-orders:SWAP",
    ]
    await server.waitFor(
      () => topics.every((t) => server.subscribeLog.includes(t)) && server.ws.framesSent > 100,
      20_000,
      "okx channels streaming",
    )
    const health = (await (await fetch(new URL("/health", url))).json()) as {
      components: { market: { details: { streams: { byMode: Record<string, number> } } } }
    }
    const modes = health.components.market.details.streams.byMode
    expect(modes.streaming).toBeGreaterThan(0)
    // Liquidations come from OKX's liquidation-orders channel into the derivatives path.
    const started2 = performance.now()
    let liquidations: Array<{ side: string; amount: number }> = []
    while (liquidations.length === 0 && performance.now() - started2 < 15_000) {
      const page = (await (
        await fetch(new URL("/v1/events?type=market.derivatives&symbol=BTC/USDT&order=desc&limit=100", url))
      ).json()) as { items: Array<{ payload: { liquidations?: typeof liquidations } }> }
      liquidations = page.items.flatMap((e) => e.payload.liquidations ?? [])
      if (liquidations.length === 0) await Bun.sleep(200)
    }
    expect(liquidations.length).toBeGreaterThan(0)
    expect(liquidations.every((l) => (l.side === "long" || l.side === "short") && l.amount > 0)).toBe(true)
  } finally {
    await app?.close()
  }
}, 60_000)
