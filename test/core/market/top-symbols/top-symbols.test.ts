/**
 * TopSymbols through ccxt's fetchTickers against the local Binance server, driving the
 * StreamSupervisor: turnover churn → the dropped symbol's websocket streams are unsubscribed.
 */
import { describe, expect, test } from "bun:test"
import { Effect, PubSub } from "effect"
import { TestClock } from "effect/testing"
import { StreamSupervisor, symbolStreams } from "../../../../core/market/streams/index.ts"
import { followSymbols, makeTopSymbols } from "../../../../core/market/top-symbols/index.ts"
import { ioTick, runWithSupervisor, serverAndAdapterForFile, TEST_OPTIONS } from "../streams/harness.ts"

const env = serverAndAdapterForFile()

const klineStreams = () => [...env.server.activeStreams()].filter((s) => s.endsWith("@kline_1m")).sort()

describe("TopSymbols", () => {
  test("ranks real tickers, follows churn with clean unsubscribes, keeps the set on a failed refresh", async () => {
    await runWithSupervisor(
      env.server,
      Effect.gen(function* () {
        const supervisor = yield* StreamSupervisor
        const specsFor = (symbol: string) =>
          symbolStreams(env.adapter, symbol, {
            timeframes: ["1m"],
            depth: { "1m": 100 },
            onClosedCandles: () => Effect.void,
          }).specs
        const top = yield* makeTopSymbols({
          adapter: env.adapter,
          options: {
            quote: "USDT",
            minQuoteVolume: 1_000_000,
            top: 3,
            static: ["BTC/USDT"],
            include: [],
            exclude: [],
            refreshMs: 60_000,
            keepRank: 4,
            minHoldMs: 0,
          },
          onChange: followSymbols(supervisor, specsFor),
        })
        const changes = yield* top.subscribe
        // the first refresh runs at once: SOL 90M, BNB 45M, DOT 30M (generated turnovers) + static BTC
        yield* Effect.promise(() => env.server.waitFor(() => klineStreams().length === 4, 5_000, "4 kline streams"))
        expect(yield* top.current).toEqual(["BTC/USDT", "SOL/USDT", "BNB/USDT", "DOT/USDT"])
        expect(klineStreams()).toEqual(["bnbusdt@kline_1m", "btcusdt@kline_1m", "dotusdt@kline_1m", "solusdt@kline_1m"])
        yield* PubSub.takeUpTo(changes, 10)

        // near the cut: DOT slips to 4th (AVAX 22.5M overtakes) → hysteresis keeps it, no churn
        env.server.market.symbol("DOTUSDT")!.turnover = 20_000_000
        const refreshes = (yield* top.stats).refreshes
        yield* TestClock.adjust(60_000)
        yield* ioTick(20)
        yield* Effect.promise(() => env.server.waitFor(() => env.server.count("/api/v3/ticker/24hr") >= 2))
        while ((yield* top.stats).refreshes === refreshes) yield* ioTick(5)
        expect(yield* top.current).toEqual(["BTC/USDT", "SOL/USDT", "BNB/USDT", "DOT/USDT"])
        expect(env.server.unsubscribeLog).toEqual([])

        // DOT collapses below the turnover floor → out; the best newcomer (AVAX) in
        env.server.market.symbol("DOTUSDT")!.turnover = 500_000
        yield* TestClock.adjust(60_000)
        const change = yield* PubSub.take(changes).pipe(TestClock.withLive)
        expect(change.removed).toEqual(["DOT/USDT"])
        expect(change.added).toEqual(["AVAX/USDT"])
        yield* Effect.promise(() =>
          env.server.waitFor(
            () => klineStreams().includes("avaxusdt@kline_1m") && !klineStreams().includes("dotusdt@kline_1m"),
            5_000,
            "churn",
          ),
        )
        expect(env.server.unsubscribeLog).toEqual(["dotusdt@kline_1m"])
        expect((yield* supervisor.statuses).map((s) => s.symbol).sort()).toEqual([
          "AVAX/USDT",
          "BNB/USDT",
          "BTC/USDT",
          "SOL/USDT",
        ])

        // the exchange fails a refresh: the set stays as it is
        env.server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/ticker/24hr" })
        const failures = (yield* top.stats).failures
        yield* TestClock.adjust(60_000)
        while ((yield* top.stats).failures === failures) yield* ioTick(5)
        expect(yield* top.current).toEqual(["BTC/USDT", "SOL/USDT", "BNB/USDT", "AVAX/USDT"])
        expect((yield* top.stats).lastError).toContain("ServerError")
        const samples = yield* top.samples
        expect(samples.find((x) => x.name === "virtuoso_market_tracked_symbols")?.value).toBe(4)
        expect(samples.find((x) => x.name === "virtuoso_market_top_symbols_refresh_failures_total")?.value).toBe(1)
        for (const s of yield* top.current) yield* supervisor.stopSymbol(s)
      }),
      {
        ...TEST_OPTIONS,
        staleAfterMs: { ohlcv: 3_600_000, orderbook: 3_600_000, trades: 3_600_000, liquidations: 3_600_000 },
      },
    ) // quiet server: no stale resubscribes
  })
})
