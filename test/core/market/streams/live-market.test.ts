/**
 * LiveMarket end to end over ccxt and the local Binance server: top symbols, paged multi-timeframe
 * backfill with the default depths, then live closed candles continuing each series.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../../../../core/market-schema/index.ts"
import { startLiveMarket, type CandleSource } from "../../../../core/market/streams/index.ts"
import { createCcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer } from "../../../support/exchange-server/index.ts"
import { ioTick, pump, runWithSupervisor, serverAndAdapterForFile, TEST_OPTIONS } from "./harness.ts"

const env = serverAndAdapterForFile()

const DEPTH = { "1m": 1000, "5m": 300, "30m": 200, "4h": 200 } as const
const TFS = Object.keys(DEPTH) as Array<keyof typeof DEPTH>

describe("startLiveMarket", () => {
  test("tracks static + top symbols, backfills every timeframe in pages, then streams closed candles", async () => {
    await runWithSupervisor(
      env.server,
      Effect.gen(function* () {
        const got = new Map<string, Array<{ c: Candle; source: CandleSource }>>()
        const top = yield* startLiveMarket({
          adapter: env.adapter,
          timeframes: TFS,
          depth: DEPTH,
          maxCandlesPerRequest: 400,
          symbols: {
            quote: "USDT",
            minQuoteVolume: 1_000_000,
            top: 2,
            static: ["BTC/USDT"],
            include: [],
            exclude: [],
            refreshMs: 300_000,
          },
          onClosedCandles: (symbol, tf, candles, source) =>
            Effect.sync(() => {
              const key = `${symbol}|${tf}`
              const list = got.get(key) ?? []
              for (const c of candles) list.push({ c, source })
              got.set(key, list)
            }),
        })
        yield* Effect.promise(() =>
          env.server.waitFor(
            () => [...env.server.activeStreams()].filter((s) => s.includes("@kline_")).length === 12,
            10_000,
            "12 kline streams",
          ),
        )
        expect(yield* top.current).toEqual(["BTC/USDT", "SOL/USDT", "BNB/USDT"])

        const now = env.server.market.now
        for (const symbol of ["BTC/USDT", "SOL/USDT", "BNB/USDT"]) {
          for (const tf of TFS) {
            const list = got.get(`${symbol}|${tf}`) ?? []
            const step = TIMEFRAME_MS[tf as Timeframe]
            expect(list.length).toBe(DEPTH[tf])
            expect(list.every((x) => x.source === "backfill")).toBe(true)
            expect(list.at(-1)!.c.time).toBe(Math.floor(now / step) * step - step)
            // (the newest closed candle; the open one is held back)
            for (let i = 1; i < list.length; i++) expect(list[i]!.c.time - list[i - 1]!.c.time).toBe(step)
          }
        }
        // 1m × 1000 in pages of ≤ 400
        const oneMinute = env.server.requests.filter(
          (r) => r.path === "/api/v3/klines" && r.query.includes("interval=1m") && r.query.includes("symbol=BTCUSDT"),
        )
        expect(oneMinute.length).toBe(3)

        // live: the stream continues every series contiguously
        const before = got.get("BTC/USDT|1m")!.length
        yield* pump(env.server, () => (got.get("BTC/USDT|1m")?.length ?? 0) >= before + 3, { stepMs: 20_000 })
        const list = got.get("BTC/USDT|1m")!
        expect(list.slice(before).every((x) => x.source === "stream")).toBe(true)
        for (let i = 1; i < list.length; i++) expect(list[i]!.c.time - list[i - 1]!.c.time).toBe(60_000)
      }),
      {
        ...TEST_OPTIONS,
        staleAfterMs: { ohlcv: 3_600_000, orderbook: 3_600_000, trades: 3_600_000, liquidations: 3_600_000 },
      },
    )
  })
})

describe("startLiveMarket on bybit (REST only: backfill, then the supervisor's polling fallback)", () => {
  test("ranks bybit tickers, backfills, and polling closes new candles", async () => {
    const bybitServer = startExchangeServer({
      binanceMarkets: await loadMarketsFixture("binance"),
      bybitMarkets: await loadMarketsFixture("bybit"),
    })
    const bybit = createCcxtAdapter({
      id: "bybit",
      urls: bybitServer.bybitUrls(),
      enableRateLimit: false,
      websocket: false,
    })
    try {
      await runWithSupervisor(
        bybitServer,
        Effect.gen(function* () {
          const got = new Map<string, Array<{ c: Candle; source: CandleSource }>>()
          const top = yield* startLiveMarket({
            adapter: bybit,
            timeframes: ["1m", "5m"],
            depth: { "1m": 300, "5m": 100 },
            symbols: {
              quote: "USDT",
              minQuoteVolume: 1_000_000,
              top: 2,
              static: ["BTC/USDT"],
              include: [],
              exclude: ["ETH/USDT"],
              refreshMs: 300_000,
            },
            onClosedCandles: (symbol, tf, candles, source) =>
              Effect.sync(() => {
                const list = got.get(`${symbol}|${tf}`) ?? []
                for (const c of candles) list.push({ c, source })
                got.set(`${symbol}|${tf}`, list)
              }),
          })
          yield* Effect.promise(() => bybitServer.waitFor(() => bybitServer.count("/v5/market/tickers") >= 1))
          let symbols = yield* top.current
          while (symbols.length < 3) {
            yield* ioTick(5)
            symbols = yield* top.current
          }
          expect(symbols[0]).toBe("BTC/USDT")
          expect(symbols).not.toContain("ETH/USDT")
          expect(got.get("BTC/USDT|1m")!.length).toBe(300)
          expect(got.get("BTC/USDT|5m")!.length).toBe(100)
          const before = got.get("BTC/USDT|1m")!.length
          // the exchange moves on; polls (virtual 1 s cadence) pick the closed candles up
          for (let i = 0; i < 400 && got.get("BTC/USDT|1m")!.length < before + 2; i++) {
            bybitServer.advance(30_000)
            yield* TestClock.adjust(30_000)
            yield* ioTick(10)
          }
          const list = got.get("BTC/USDT|1m")!
          expect(list.length).toBeGreaterThanOrEqual(before + 2)
          expect(list.slice(before).every((x) => x.source === "poll")).toBe(true)
          for (let i = 1; i < list.length; i++) expect(list[i]!.c.time - list[i - 1]!.c.time).toBe(60_000)
          expect(bybitServer.count("/v5/market/kline")).toBeGreaterThan(6)
        }),
      )
    } finally {
      await bybit.close()
      await bybitServer.stop()
    }
  })
})
