/**
 * Top-symbol churn through the whole engine on ccxt data (the layer `npm start` launches, pointed
 * at the local Binance server): the tracked set is the static list plus the top 2 by 24h quote
 * turnover. When one ranked symbol's turnover collapses it is dropped — streams unsubscribed,
 * resident series freed, no longer scored, served or exported — and the next best joins:
 * backfilled, streamed (or polled) and scored. Run over websockets and over REST polling.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Logger, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../../core/analysis/index.ts"
import { parseConfig } from "../../../../core/config/index.ts"
import { HttpServer } from "../../../../core/http/index.ts"
import { appLayer } from "../../../../core/main.ts"
import { MarketData, ResidentCandles } from "../../../../core/market/index.ts"
import {
  EXTRA_SPOT,
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"
import { eventually } from "../../../support/eventually.ts"

let server: ExchangeServer
beforeEach(async () => {
  // wall-clock ticks, so subscribed streams get frames (messages, metrics)
  server = startExchangeServer({
    binanceMarkets: await loadMarketsFixture("binance"),
    extraSpot: EXTRA_SPOT,
    autoTickMs: 250,
  })
})
afterEach(() => server.stop())

type Item = { symbol: string; timeframe: string; score: number }

const until = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) =>
  eventually(what, check, (ok) => ok, { timeoutMs, intervalMs: 50 })

const runChurn = async (websocket: boolean) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-top-churn-"))
  const config = parseConfig({
    exchange: {
      plugin: "ccxt",
      id: "binance",
      urls: server.binanceUrls(),
      websocket,
      pollMs: 200,
      enableRateLimit: false,
      rateBudget: { capacity: 1000, perSecond: 1000 },
    },
    // SOL 90M and BNB 45M rank first (generated turnovers); DOT 30M is next in line
    symbols: { static: ["BTC/USDT"], top: 2, quote: "USDT", minQuoteVolume: 1_000_000, refreshMs: 1000 },
    http: { port: 0 },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
    log: { level: "info" },
  })
  const logs: Array<{ at: number; line: string }> = []
  const capture = Logger.make(({ message, date }) => {
    logs.push({ at: date.getTime(), line: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
  })
  const scope = Effect.runSync(Scope.make())
  try {
    const layer = appLayer(config, [capture]) as unknown as Layer.Layer<never, unknown, never>
    const context = (await Effect.runPromise(Layer.buildWithScope(layer, scope))) as Context.Context<unknown>
    const { url } = Context.get(context as Context.Context<HttpServer>, HttpServer)
    const market = Context.get(context as Context.Context<MarketData>, MarketData)
    const resident = Context.get(context as Context.Context<ResidentCandles>, ResidentCandles)
    const analysis = Context.get(context as Context.Context<Analysis>, Analysis)
    const get = async (path: string) => fetch(new URL(path, url))
    const confluence = async () => ((await (await get("/v1/confluence")).json()) as { items: Array<Item> }).items
    const overall = (items: ReadonlyArray<Item>) =>
      items
        .filter((i) => i.timeframe === "all")
        .map((i) => i.symbol)
        .sort()
    const tracked = async () => [...(await Effect.runPromise(market.symbols))].sort()

    await until(
      "static + top 2 scored",
      async () => overall(await confluence()).join() === "BNB/USDT,BTC/USDT,SOL/USDT",
    )
    expect(await tracked()).toEqual(["BNB/USDT", "BTC/USDT", "SOL/USDT"])
    expect(
      resident
        .keys()
        .filter((k) => k.startsWith("BNB/USDT|"))
        .sort(),
    ).toEqual(["BNB/USDT|1m", "BNB/USDT|30m", "BNB/USDT|4h", "BNB/USDT|5m"])
    if (websocket) await until("BNB streaming", () => server.activeStreams().has("bnbusdt@kline_1m"))

    // BNB's turnover collapses below the floor: out at the next refresh; DOT is the best newcomer
    const seriesBefore = resident.keys().length
    server.market.symbol("BNBUSDT")!.turnover = 500_000
    await until("DOT scored and BNB gone", async () => {
      const symbols = overall(await confluence())
      return symbols.includes("DOT/USDT") && !symbols.includes("BNB/USDT")
    })
    const leftAt = logs.find((l) => l.line.includes("BNB/USDT left"))?.at
    expect(leftAt).toBeDefined()
    expect(logs.some((l) => l.line.includes("top symbols: +[DOT/USDT] -[BNB/USDT]"))).toBe(true)

    // MarketData: the set changed, BNB's series are freed, DOT's backfilled to the configured depth
    expect(await tracked()).toEqual(["BTC/USDT", "DOT/USDT", "SOL/USDT"])
    expect(resident.keys().filter((k) => k.startsWith("BNB/USDT|"))).toEqual([])
    expect(resident.keys().length).toBe(seriesBefore)
    expect(await Effect.runPromise(analysis.candles("BNB/USDT", "1m"))).toBeUndefined()
    for (const [tf, depth] of Object.entries(config.timeframes)) {
      const candles = await Effect.runPromise(analysis.candles("DOT/USDT", tf as "1m"))
      // 1m × 1000 takes two pages: Binance serves at most 1000 candles, the newest still open
      expect(candles?.close.length).toBe(depth!.candles)
      const time = candles!.time
      const step = time[1]! - time[0]!
      expect(time.every((t, i) => i === 0 || t - time[i - 1]! === step)).toBe(true) // contiguous across the pages
    }
    expect(
      server.requests.some(
        (r) => r.path === "/api/v3/klines" && r.query.includes("symbol=DOTUSDT") && r.query.includes("interval=4h"),
      ),
    ).toBe(true)

    if (websocket) {
      // unsubscribed on the exchange, and DOT subscribed in its place
      await until("DOT streaming", () => server.activeStreams().has("dotusdt@kline_1m"))
      expect([...server.activeStreams()].filter((s) => s.startsWith("bnbusdt@"))).toEqual([])
      expect(server.unsubscribeLog).toContain("bnbusdt@kline_1m")
    } else {
      // polling: BNB is no longer asked for
      const asked = () =>
        server.requests.filter((r) => r.path === "/api/v3/depth" && r.query.includes("symbol=BNBUSDT")).length
      const before = asked()
      const dot = server.requests.filter((r) => r.path === "/api/v3/depth" && r.query.includes("symbol=DOTUSDT")).length
      await until(
        "two more DOT polls",
        () =>
          server.requests.filter((r) => r.path === "/api/v3/depth" && r.query.includes("symbol=DOTUSDT")).length >=
          dot + 2,
      )
      expect(asked()).toBe(before)
    }

    // HTTP: BNB is unknown now, DOT answers
    expect((await get("/v1/confluence/BNB%2FUSDT")).status).toBe(404)
    const dot = (await (await get("/v1/confluence/DOT%2FUSDT")).json()) as { items: Array<Item> }
    expect(dot.items.some((i) => i.timeframe === "all" && i.score >= 0 && i.score <= 100)).toBe(true)

    // nothing published about BNB after it left (a few analysis cycles later)
    const cycles = (await Effect.runPromise(analysis.stats)).cycles
    await until(
      "three more analysis cycles",
      async () => (await Effect.runPromise(analysis.stats)).cycles >= cycles + 3,
    )
    const events = (await (
      await get("/v1/events?type=analysis.confluence&symbol=BNB%2FUSDT&order=desc&limit=1")
    ).json()) as { items: Array<{ time: number }> }
    expect(events.items.length).toBe(1) // it was scored while tracked
    expect(events.items[0]!.time).toBeLessThanOrEqual(leftAt!)

    // metrics: tracked set, top-symbol refreshes, streams; no series left for BNB
    const text = await (await get("/metrics")).text()
    expect(text).toMatch(/^virtuoso_market_tracked_symbols 3$/m)
    expect(text).toMatch(/^virtuoso_market_top_symbols_refreshes_total [1-9]\d*$/m)
    expect(text).toMatch(/^virtuoso_market_symbols\{exchange="binance"\} 3$/m)
    expect(text).toContain('virtuoso_confluence_score{symbol="DOT/USDT"')
    expect(text).not.toContain('symbol="BNB/USDT"')
    if (websocket) {
      expect(text).toMatch(
        /^virtuoso_market_stream_age_seconds\{symbol="DOT\/USDT",kind="ohlcv",timeframe="1m",mode="\w+"\} [\d.e+-]+$/m,
      )
      expect(text).toMatch(
        /^virtuoso_market_symbol_stream_reconnects_total\{symbol="DOT\/USDT",kind="trades",timeframe=""\} \d+$/m,
      )
      expect(text).toMatch(
        /^virtuoso_market_symbol_stream_messages_total\{symbol="SOL\/USDT",kind="orderbook",timeframe=""\} [1-9]\d*$/m,
      )
      expect(text).toMatch(/^virtuoso_market_streams\{mode="streaming"\} [1-9]\d*$/m)
      expect(text).toMatch(/^virtuoso_market_stream_oldest_age_seconds [\d.e+-]+$/m)
      expect(text).toMatch(/^virtuoso_market_stream_messages_total\{.*source="stream".*\} [1-9]\d*$/m)
    } else {
      expect(text).not.toContain("virtuoso_market_stream_age_seconds")
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

describe("top-symbol churn through the whole engine", () => {
  test(
    "over websockets: the dropped symbol is unsubscribed and freed, the newcomer backfilled, streamed and scored",
    () => runChurn(true),
    60_000,
  )
  test(
    "over REST polling: the dropped symbol is no longer polled or served, the newcomer backfilled and scored",
    () => runChurn(false),
    60_000,
  )
})
