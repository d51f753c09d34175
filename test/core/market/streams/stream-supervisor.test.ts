/**
 * Stream supervision through the real ccxt.pro code path against the local Binance server:
 * live candles and close detection, book and trades, drop → reconnect, stale → resubscribe /
 * reconnect, malformed frames, candle gaps (REST-side cases: stream-supervisor-fallback.test.ts).
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { Effect, Fiber, Metric } from "effect"
import { TestClock } from "effect/testing"
import { streamReconnectsTotal } from "../../../../core/market/streams/index.ts"
import type { ExchangeServer } from "../../../support/exchange-server/index.ts"
import { adjustUntil, is, nextEvent, pump, runWithSupervisor } from "./harness.ts"

import { M, supervisorSuite } from "./supervisor-suite.ts"

const suite = supervisorSuite()
const { adapter, setup, pumpUntilStatus } = suite
let server: ExchangeServer
beforeAll(() => {
  server = suite.server()
})

describe("StreamSupervisor over ccxt.pro (binance websocket protocol)", () => {
  test("live candle updates; only closed candles are delivered, equal to the exchange's final values", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "BTC/USDT")
        const key = "BTC/USDT|ohlcv|1m"
        yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("btcusdt@kline_1m")))
        server.advance(1_000)
        yield* nextEvent(ctx.sub, is("Data", key))
        expect(ctx.closed).toEqual([]) // the open candle moved, nothing closed
        const openTime = Math.floor(server.market.now / M) * M
        yield* pump(server, () => ctx.closed.length > 0, { stepMs: 5_000 }) // the candle closes at the boundary
        expect(ctx.closed.map((c) => c.time)).toEqual([openTime])
        const rest = yield* Effect.promise(() => a.fetchOHLCV("BTC/USDT", "1m", openTime, 1))
        expect(ctx.closed[0]).toEqual(rest[0]!)
        const status = yield* ctx.supervisor.status(key)
        expect(status?.mode).toBe("streaming")
        expect(status?.messages).toBeGreaterThanOrEqual(2)
        yield* ctx.supervisor.stopSymbol("BTC/USDT")
      }),
    )
  })

  test(
    "order book sequence gap: ccxt rejects the book " + "(checksum), the stream resubscribes from a fresh snapshot",
    async () => {
      const a = adapter()
      await runWithSupervisor(
        server,
        Effect.gen(function* () {
          const ctx = yield* setup(a, "XRP/USDT", { book: true })
          const key = "XRP/USDT|orderbook"
          yield* Effect.promise(() =>
            server.waitFor(() => [...server.activeStreams()].some((s) => s.startsWith("xrpusdt@depth"))),
          )
          yield* pump(server, () => ctx.books.length > 0, { stepMs: 100 })
          const snapshots = server.count("/api/v3/depth")
          server.faults.depthGap("XRPUSDT")
          const failed = yield* Effect.gen(function* () {
            server.advance(100)
            return yield* nextEvent(ctx.sub, is("Failed", key))
          })
          expect(failed.message).toMatch(/checksum/i)
          yield* TestClock.adjust(1_000)
          const books = ctx.books.length
          yield* pump(server, () => ctx.books.length > books, { stepMs: 100 })
          expect(server.count("/api/v3/depth")).toBeGreaterThan(snapshots)
          const [bid, ask] = [ctx.books.at(-1)!.bids[0]![0], ctx.books.at(-1)!.asks[0]![0]]
          expect(bid).toBeLessThan(ask)
          yield* ctx.supervisor.stopSymbol("XRP/USDT")
        }),
      )
    },
  )

  test("order book (diff depth over a REST snapshot) and trades stream", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "ETH/USDT", { book: true, trades: true })
        yield* Effect.promise(() =>
          server.waitFor(
            () =>
              server.activeStreams().has("ethusdt@trade") &&
              [...server.activeStreams()].some((s) => s.startsWith("ethusdt@depth")),
          ),
        )
        yield* pump(server, () => ctx.books.length > 0 && ctx.trades.length > 0, { stepMs: 100, trades: 3 })
        expect(ctx.trades.every((t) => t.price > 0 && (t.side === "buy" || t.side === "sell"))).toBe(true)
        const book = ctx.books.at(-1)!
        expect(book.bids.length).toBe(50)
        expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0])
        // drop: both streams back off, reconnect, and the book re-syncs (fresh REST snapshot + diffs)
        const depthSnapshots = server.count("/api/v3/depth")
        server.dropWebsockets()
        yield* nextEvent(ctx.sub, is("Backoff", "ETH/USDT|orderbook"))
        yield* TestClock.adjust(1_000)
        const books = ctx.books.length
        const trades = ctx.trades.length
        yield* pump(server, () => ctx.books.length > books && ctx.trades.length > trades, { stepMs: 100, trades: 2 })
        expect(server.count("/api/v3/depth")).toBeGreaterThan(depthSnapshots)
        const resynced = ctx.books.at(-1)!
        expect(resynced.bids.length).toBe(50)
        // a consistent book: not crossed, spread of the generated market (2 ticks of 0.01 %)
        const [bid, ask] = [resynced.bids[0]![0], resynced.asks[0]![0]]
        expect(bid).toBeLessThan(ask)
        expect((ask - bid) / bid).toBeLessThan(0.0005)
        yield* ctx.supervisor.stopSymbol("ETH/USDT")
        expect([...server.activeStreams()].some((s) => s.startsWith("ethusdt"))).toBe(false)
      }),
    )
  })

  test("websocket drop (1006) → Schedule backoff → reconnect and resume", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "XRP/USDT")
        const key = "XRP/USDT|ohlcv|1m"
        yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("xrpusdt@kline_1m")))
        server.advance(1_000)
        yield* nextEvent(ctx.sub, is("Data", key))
        const opened = server.ws.opened
        const before = yield* Metric.value(
          Metric.withAttributes(streamReconnectsTotal, { kind: "ohlcv", timeframe: "1m", reason: "Network" }),
        )
        server.dropWebsockets()
        const failed = yield* nextEvent(ctx.sub, is("Failed", key))
        expect(failed.reason).toBe("Network")
        expect(failed.message).toContain("1006")
        const backoff = yield* nextEvent(ctx.sub, is("Backoff", key))
        expect(backoff.delayMs).toBe(1_000) // first step of the schedule
        expect(server.ws.opened).toBe(opened) // nothing reconnects before the backoff elapses
        yield* TestClock.adjust(1_000)
        yield* Effect.promise(() =>
          server.waitFor(() => server.ws.opened > opened && server.activeStreams().has("xrpusdt@kline_1m")),
        )
        let resumed = false
        const watcher = yield* Effect.forkChild(
          Effect.tap(nextEvent(ctx.sub, is("Resumed", key)), () =>
            Effect.sync(() => {
              resumed = true
            }),
          ),
        )
        yield* pump(server, () => resumed)
        yield* Fiber.join(watcher)
        const status = yield* ctx.supervisor.status(key)
        expect(status?.mode).toBe("streaming")
        expect(status?.reconnects).toBe(1)
        expect(status?.errors.Network).toBe(1)
        const after = yield* Metric.value(
          Metric.withAttributes(streamReconnectsTotal, { kind: "ohlcv", timeframe: "1m", reason: "Network" }),
        )
        expect(after.count - before.count).toBe(1)
        // scrape-time samples: per-stream age and reconnects
        const samples = yield* ctx.supervisor.samples
        const age = samples.find(
          (x) => x.name === "virtuoso_market_stream_age_seconds" && x.labels?.symbol === "XRP/USDT",
        )
        expect(age?.type).toBe("gauge")
        expect(age!.value).toBeGreaterThanOrEqual(0)
        expect(age!.value).toBeLessThan(60)
        const reconnects = samples.find(
          (x) => x.name === "virtuoso_market_symbol_stream_reconnects_total" && x.labels?.symbol === "XRP/USDT",
        )
        expect(reconnects?.value).toBe(1)
        yield* ctx.supervisor.stopSymbol("XRP/USDT")
      }),
    )
  })

  test("stale stream → resubscribe, still stale → reconnect, then resumes", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "LTC/USDT")
        const key = "LTC/USDT|ohlcv|1m"
        yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("ltcusdt@kline_1m")))
        server.advance(1_000)
        yield* nextEvent(ctx.sub, is("Data", key))
        server.faults.silent = true
        const unsubs = server.ws.unsubscribes
        const first = yield* adjustUntil(ctx.sub, is("Stale", key), 5_000)
        expect(first.action).toBe("resubscribe")
        yield* Effect.promise(() => server.waitFor(() => server.ws.unsubscribes > unsubs, 5_000, "UNSUBSCRIBE"))
        const opened = server.ws.opened
        const second = yield* adjustUntil(ctx.sub, is("Stale", key), 5_000)
        expect(second.action).toBe("reconnect")
        server.faults.silent = false
        yield* Effect.promise(() =>
          server.waitFor(
            () => server.ws.opened > opened && server.activeStreams().has("ltcusdt@kline_1m"),
            5_000,
            "reconnect",
          ),
        )
        const messages = (yield* ctx.supervisor.status(key))!.messages
        yield* pumpUntilStatus(ctx, key, (st) => st.messages > messages)
        const status = yield* ctx.supervisor.status(key)
        expect(status?.staleEvents).toBe(2)
        expect(status?.mode).toBe("streaming")
        yield* ctx.supervisor.stopSymbol("LTC/USDT")
      }),
    )
  })

  test("one silent stream among live ones is resubscribed, never by dropping the shared connection", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const btc = yield* setup(a, "BTC/USDT")
        yield* setup(a, "TRX/USDT")
        const key = "TRX/USDT|ohlcv|1m"
        yield* Effect.promise(() =>
          server.waitFor(
            () => server.activeStreams().has("btcusdt@kline_1m") && server.activeStreams().has("trxusdt@kline_1m"),
          ),
        )
        server.faults.silentStreams.add("trxusdt@kline_1m")
        try {
          yield* pumpUntilStatus(btc, "BTC/USDT|ohlcv|1m", (st) => st.messages > 0)
          const opened = server.ws.opened
          const first = yield* adjustUntil(btc.sub, is("Stale", key), 5_000, 50, () => server.advance(1_000))
          const second = yield* adjustUntil(btc.sub, is("Stale", key), 5_000, 50, () => server.advance(1_000))
          expect([first.action, second.action]).toEqual(["resubscribe", "resubscribe"])
          expect(server.ws.opened).toBe(opened) // BTC's connection was left alone
          expect((yield* btc.supervisor.status("BTC/USDT|ohlcv|1m"))?.reconnects).toBe(0)
        } finally {
          server.faults.silentStreams.clear()
        }
        yield* btc.supervisor.stopSymbol("BTC/USDT")
        yield* btc.supervisor.stopSymbol("TRX/USDT")
      }),
    )
  })

  test("malformed websocket frames are counted and survived", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "ADA/USDT")
        const key = "ADA/USDT|ohlcv|1m"
        yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("adausdt@kline_1m")))
        server.faults.malformedWsFrames = 2
        yield* pump(server, () => a.stats!().malformedFrames === 2 && server.faults.malformedWsFrames === 0)
        yield* pumpUntilStatus(ctx, key, (st) => st.messages > 0)
        expect(a.stats!().malformedFrames).toBe(2)
        const status = yield* ctx.supervisor.status(key)
        expect(status?.reconnects).toBe(0)
        expect(status?.mode).toBe("streaming")
        yield* ctx.supervisor.stopSymbol("ADA/USDT")
      }),
    )
  })

  test("a gap in streamed candles is backfilled from REST before delivery", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "DOGE/USDT")
        const key = "DOGE/USDT|ohlcv|1m"
        yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("dogeusdt@kline_1m")))
        const lastClosed = ctx.series.lastClosedTime
        const klinesBefore = server.count("/api/v3/klines")
        server.faults.candleGap("DOGEUSDT", "1m", 3) // the socket will skip three whole candles
        yield* pump(server, () => ctx.closed.length >= 5, { stepMs: 30_000 })
        expect(server.count("/api/v3/klines")).toBeGreaterThan(klinesBefore)
        const times = ctx.closed.map((c) => c.time)
        // contiguous, in order, none missing
        expect(times.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((i) => lastClosed + i * M))
        const rest = yield* Effect.promise(() => a.fetchOHLCV("DOGE/USDT", "1m", lastClosed + M, 4))
        expect(ctx.closed.slice(0, 4)).toEqual([...rest]) // the gap candles carry the exchange's final values
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(M)
        expect(ctx.stats.some((s) => s.gapsBackfilled === 1 && s.gaps === 1)).toBe(true)
        yield* ctx.supervisor.stopSymbol("DOGE/USDT")
      }),
    )
  })
})
