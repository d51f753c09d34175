/**
 * Stream supervision through the real ccxt.pro code path against the local Binance server:
 * live candles and close detection, book and trades, drop → reconnect, stale → resubscribe /
 * reconnect, malformed frames, candle gaps, websocket refused → REST fallback, 429/418 in polling.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Fiber, Metric, PubSub } from "effect"
import { TestClock } from "effect/testing"
import { CandleSeries } from "../../../../core/market/candles/index.ts"
import type { Candle, OrderBook, Trade } from "../../../../core/market/schema.ts"
import { StreamSupervisor, streamReconnectsTotal, symbolStreams, type StreamStatus, type SymbolStreamsOptions } from "../../../../core/market/streams/index.ts"
import { CircuitBreakers, makeExchangeGuard } from "../../../../core/resilience/index.ts"
import type { CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import type { ExchangeServer } from "../../../support/exchange-server/index.ts"
import { adjustUntil, binanceAdapter, ioTick, is, nextEvent, pump, pushUpdates, runWithSupervisor, startServer } from "./harness.ts"

const M = 60_000
let server: ExchangeServer
const adapters: Array<CcxtAdapter> = []
const adapter = (extra: Record<string, unknown> = {}) => {
  const a = binanceAdapter(server, extra)
  adapters.push(a)
  return a
}

beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()))
  await server.stop()
})

/** Seeded 1m series plus collectors for everything the streams deliver. */
const setup = (a: CcxtAdapter, symbol: string, opts: { book?: boolean; trades?: boolean; rest?: SymbolStreamsOptions["rest"] } = {}) =>
  Effect.gen(function* () {
    const seed = yield* Effect.promise(() => a.fetchOHLCV(symbol, "1m", undefined, 50))
    const series = new CandleSeries(M, 1000)
    series.seed(seed, server.market.now)
    const closed: Array<Candle> = []
    const books: Array<OrderBook> = []
    const trades: Array<Trade> = []
    const stats: Array<{ gapsBackfilled: number; gaps: number }> = []
    const { specs } = symbolStreams(a, symbol, {
      timeframes: ["1m"],
      depth: { "1m": 1000 },
      series: () => series,
      ...(opts.rest ? { rest: opts.rest } : {}),
      onClosedCandles: (_s, _tf, cs) => Effect.sync(() => void closed.push(...cs)),
      onCandleStats: (_s, _tf, st) => Effect.sync(() => void stats.push({ gapsBackfilled: st.gapsBackfilled, gaps: st.gaps.length })),
      ...(opts.book ? { onOrderBook: (_s: string, b: OrderBook) => Effect.sync(() => void books.push(b)) } : {}),
      ...(opts.trades ? { onTrades: (_s: string, t: ReadonlyArray<Trade>) => Effect.sync(() => void trades.push(...t)) } : {}),
    })
    const supervisor = yield* StreamSupervisor
    const sub = yield* supervisor.subscribe
    for (const spec of specs) yield* supervisor.start(spec)
    return { series, closed, books, trades, stats, supervisor, sub, specs }
  })

/** Keep the server pushing until the stream's status satisfies `pred`. */
const pumpUntilStatus = (ctx: { supervisor: StreamSupervisor["Service"] }, key: string, pred: (s: StreamStatus) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 200; i++) {
      const st = yield* ctx.supervisor.status(key)
      if (st && pred(st)) return st
      server.advance(1_000)
      yield* ioTick(10)
    }
    return yield* Effect.die(new Error(`status of ${key} never matched`))
  })

describe("StreamSupervisor over ccxt.pro (binance websocket protocol)", () => {
  test("live candle updates; only closed candles are delivered, equal to the exchange's final values", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
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
    }))
  })

  test("order book (diff depth over a REST snapshot) and trades stream", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "ETH/USDT", { book: true, trades: true })
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("ethusdt@trade") && [...server.activeStreams()].some((s) => s.startsWith("ethusdt@depth"))))
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
    }))
  })

  test("websocket drop (1006) → Schedule backoff → reconnect and resume", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "XRP/USDT")
      const key = "XRP/USDT|ohlcv|1m"
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("xrpusdt@kline_1m")))
      server.advance(1_000)
      yield* nextEvent(ctx.sub, is("Data", key))
      const opened = server.ws.opened
      const before = yield* Metric.value(Metric.withAttributes(streamReconnectsTotal, { kind: "ohlcv", timeframe: "1m", reason: "Network" }))
      server.dropWebsockets()
      const failed = yield* nextEvent(ctx.sub, is("Failed", key))
      expect(failed.reason).toBe("Network")
      expect(failed.message).toContain("1006")
      const backoff = yield* nextEvent(ctx.sub, is("Backoff", key))
      expect(backoff.delayMs).toBe(1_000) // first step of the schedule
      expect(server.ws.opened).toBe(opened) // nothing reconnects before the backoff elapses
      yield* TestClock.adjust(1_000)
      yield* Effect.promise(() => server.waitFor(() => server.ws.opened > opened && server.activeStreams().has("xrpusdt@kline_1m")))
      let resumed = false
      const watcher = yield* Effect.forkChild(Effect.tap(nextEvent(ctx.sub, is("Resumed", key)), () => Effect.sync(() => { resumed = true })))
      yield* pump(server, () => resumed)
      yield* Fiber.join(watcher)
      const status = yield* ctx.supervisor.status(key)
      expect(status?.mode).toBe("streaming")
      expect(status?.reconnects).toBe(1)
      expect(status?.errors.Network).toBe(1)
      const after = yield* Metric.value(Metric.withAttributes(streamReconnectsTotal, { kind: "ohlcv", timeframe: "1m", reason: "Network" }))
      expect(after.count - before.count).toBe(1)
      // scrape-time samples: per-stream age and reconnects
      const samples = yield* ctx.supervisor.samples
      const age = samples.find((x) => x.name === "virtuoso_market_stream_age_seconds" && x.labels?.symbol === "XRP/USDT")
      expect(age?.type).toBe("gauge")
      expect(age!.value).toBeGreaterThanOrEqual(0)
      expect(age!.value).toBeLessThan(60)
      const reconnects = samples.find((x) => x.name === "virtuoso_market_symbol_stream_reconnects_total" && x.labels?.symbol === "XRP/USDT")
      expect(reconnects?.value).toBe(1)
      yield* ctx.supervisor.stopSymbol("XRP/USDT")
    }))
  })

  test("stale stream → resubscribe, still stale → reconnect, then resumes", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
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
      yield* Effect.promise(() => server.waitFor(() => server.ws.opened > opened && server.activeStreams().has("ltcusdt@kline_1m"), 5_000, "reconnect"))
      const messages = (yield* ctx.supervisor.status(key))!.messages
      yield* pumpUntilStatus(ctx, key, (st) => st.messages > messages)
      const status = yield* ctx.supervisor.status(key)
      expect(status?.staleEvents).toBe(2)
      expect(status?.mode).toBe("streaming")
      yield* ctx.supervisor.stopSymbol("LTC/USDT")
    }))
  })

  test("one silent stream among live ones is resubscribed, never by dropping the shared connection", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const btc = yield* setup(a, "BTC/USDT")
      yield* setup(a, "TRX/USDT")
      const key = "TRX/USDT|ohlcv|1m"
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("btcusdt@kline_1m") && server.activeStreams().has("trxusdt@kline_1m")))
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
    }))
  })

  test("malformed websocket frames are counted and survived", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
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
    }))
  })

  test("a gap in streamed candles is backfilled from REST before delivery", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "DOGE/USDT")
      const key = "DOGE/USDT|ohlcv|1m"
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("dogeusdt@kline_1m")))
      const lastClosed = ctx.series.lastClosedTime
      const klinesBefore = server.count("/api/v3/klines")
      server.faults.candleGap("DOGEUSDT", "1m", 3) // the socket will skip three whole candles
      yield* pump(server, () => ctx.closed.length >= 5, { stepMs: 30_000 })
      expect(server.count("/api/v3/klines")).toBeGreaterThan(klinesBefore)
      const times = ctx.closed.map((c) => c.time)
      expect(times.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((i) => lastClosed + i * M)) // contiguous, in order, none missing
      const rest = yield* Effect.promise(() => a.fetchOHLCV("DOGE/USDT", "1m", lastClosed + M, 4))
      expect(ctx.closed.slice(0, 4)).toEqual([...rest]) // the gap candles carry the exchange's final values
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(M)
      expect(ctx.stats.some((s) => s.gapsBackfilled === 1 && s.gaps === 1)).toBe(true)
      yield* ctx.supervisor.stopSymbol("DOGE/USDT")
    }))
  })
})

describe("gap backfill under a rate limit", () => {
  test("a 429 on the gap backfill is not retried per message: it waits for Retry-After, then fills", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "LINK/USDT")
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("linkusdt@kline_1m")))
      const lastClosed = ctx.series.lastClosedTime
      server.faults.candleGap("LINKUSDT", "1m", 2)
      server.faults.rateLimit({ status: 429, retryAfter: 30, path: "/api/v3/klines" })
      const statusFaults = server.faults.injected.status
      yield* pump(server, () => server.faults.injected.status > statusFaults, { stepMs: 30_000 })
      const afterLimit = server.count("/api/v3/klines")
      yield* pushUpdates(server, 10)
      expect(server.count("/api/v3/klines")).toBe(afterLimit) // 10 more messages, no REST call
      expect(ctx.closed).toEqual([]) // nothing after the gap is delivered before the gap itself
      yield* TestClock.adjust(30_000)
      yield* pump(server, () => ctx.closed.length >= 3)
      expect(server.count("/api/v3/klines")).toBe(afterLimit + 1)
      const times = ctx.closed.map((c) => c.time)
      expect(times.slice(0, 3)).toEqual([1, 2, 3].map((i) => lastClosed + i * M))
      yield* ctx.supervisor.stopSymbol("LINK/USDT")
    }))
  })
})

describe("REST polling fallback", () => {
  test("websocket refused → schedule exhausted → polling; streams again after retryStreamAfterMs", async () => {
    const a = adapter()
    server.faults.refuseWs = true
    try {
      await runWithSupervisor(server, Effect.gen(function* () {
        const ctx = yield* setup(a, "TRX/USDT")
        const key = "TRX/USDT|ohlcv|1m"
        const fallback = yield* adjustUntil(ctx.sub, is("Fallback", key), 2_000, 100)
        expect(fallback.why).toContain("exhausted")
        const polls = server.count("/api/v3/klines")
        yield* adjustUntil(ctx.sub, is("Data", key), 1_000)
        expect(server.count("/api/v3/klines")).toBeGreaterThan(polls)
        expect((yield* ctx.supervisor.status(key))?.mode).toBe("polling")
        expect((yield* ctx.supervisor.summary).byMode.polling).toBe(1)
        server.faults.refuseWs = false
        yield* adjustUntil(ctx.sub, is("Resumed", key), 5_000, 40, () => server.advance(1_000))
        expect((yield* ctx.supervisor.status(key))?.mode).toBe("streaming")
        yield* ctx.supervisor.stopSymbol("TRX/USDT")
      }))
    } finally {
      server.faults.refuseWs = false
    }
  })

  test("429 / 418 with Retry-After while polling: waits it out, no ban loop", async () => {
    const a = adapter({ websocket: false })
    expect(a.has.watchOHLCV).toBe(false)
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "SOL/USDT")
      const key = "SOL/USDT|ohlcv|1m"
      yield* nextEvent(ctx.sub, is("Data", key)) // first poll right away
      server.faults.rateLimit({ status: 418, retryAfter: 60, path: "/api/v3/klines" })
      const failed = yield* adjustUntil(ctx.sub, is("Failed", key), 1_000)
      expect(failed.reason).toBe("Banned")
      const afterBan = server.count("/api/v3/klines")
      for (let i = 0; i < 5; i++) {
        yield* TestClock.adjust(10_000)
        yield* ioTick()
      }
      expect(server.count("/api/v3/klines")).toBe(afterBan) // 50 s: still inside Retry-After 60 s
      yield* adjustUntil(ctx.sub, is("Data", key), 5_000)
      expect(server.count("/api/v3/klines")).toBe(afterBan + 1)
      server.faults.rateLimit({ status: 429, retryAfter: 5, path: "/api/v3/klines" })
      const limited = yield* adjustUntil(ctx.sub, is("Failed", key), 1_000)
      expect(limited.reason).toBe("RateLimited")
      const status = yield* ctx.supervisor.status(key)
      expect(status?.errors).toMatchObject({ Banned: 1, RateLimited: 1 })
      yield* ctx.supervisor.stop(key)
    }))
  })

  test("5xx, timeouts and malformed JSON while polling are counted and retried", async () => {
    // 400 ms: short enough to test, long enough that a loaded machine's normal replies never time out
    const a = adapter({ websocket: false, timeouts: { ohlcv: 400 } })
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "BNB/USDT")
      const key = "BNB/USDT|ohlcv|1m"
      yield* nextEvent(ctx.sub, is("Data", key))
      server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/klines" })
      server.faults.http({ kind: "malformed" }, { path: "/api/v3/klines" })
      server.faults.http({ kind: "hang", ms: 3_000 }, { path: "/api/v3/klines" })
      const reasons: Array<string> = []
      while (reasons.length < 3) reasons.push((yield* adjustUntil(ctx.sub, is("Failed", key), 1_000)).reason)
      expect(reasons).toEqual(["ServerError", "BadResponse", "Timeout"])
      yield* adjustUntil(ctx.sub, is("Data", key), 1_000)
      const status = yield* ctx.supervisor.status(key)
      expect(status?.errors).toMatchObject({ ServerError: 1, BadResponse: 1, Timeout: 1 })
      expect(status?.failures).toBe(0)
      yield* ctx.supervisor.stop(key)
      server.releaseHeld()
    }))
  })
})

describe("REST calls through the ExchangeGuard (shared budget, breaker, retries)", () => {
  test("polls go through the guard: a 5xx burst is retried inside it, the stream never sees a failure", async () => {
    const a = adapter({ websocket: false })
    await runWithSupervisor(server, Effect.gen(function* () {
      const guard = makeExchangeGuard(yield* CircuitBreakers, { exchange: "binance", retry: { maxAttempts: 3, baseMs: 200, jitter: 0 } })
      const ctx = yield* setup(a, "DOT/USDT", { rest: (operation, run) => guard.call(operation, run) })
      const key = "DOT/USDT|ohlcv|1m"
      yield* nextEvent(ctx.sub, is("Data", key))
      const before = server.count("/api/v3/klines")
      server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/klines", times: 2 })
      yield* adjustUntil(ctx.sub, is("Data", key), 200)
      expect(server.count("/api/v3/klines") - before).toBe(3) // two 503s and the success, one poll
      const status = yield* ctx.supervisor.status(key)
      expect(status?.errors).toEqual({})
      expect(guard.budget.stats().granted).toBeGreaterThanOrEqual(4) // every REST call spent the shared budget
      yield* ctx.supervisor.stop(key)
    }).pipe(Effect.provide(CircuitBreakers.layerWith())))
  })
})

describe("stopping", () => {
  test("stopSymbol interrupts the streams and unsubscribes them on the socket", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const ctx = yield* setup(a, "AVAX/USDT", { trades: true })
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("avaxusdt@kline_1m") && server.activeStreams().has("avaxusdt@trade")))
      yield* ctx.supervisor.stopSymbol("AVAX/USDT")
      yield* Effect.promise(() => server.waitFor(() => !server.activeStreams().has("avaxusdt@kline_1m") && !server.activeStreams().has("avaxusdt@trade")))
      expect(server.unsubscribeLog).toEqual(expect.arrayContaining(["avaxusdt@kline_1m", "avaxusdt@trade"]))
      expect(yield* ctx.supervisor.statuses).toEqual([])
      const stopped = yield* PubSub.takeUpTo(ctx.sub, 100)
      expect(stopped.filter((e) => e._tag === "Stopped").length).toBe(2)
    }))
  })

  test("an exchange without ccxt unWatch support: the dropped symbol goes with a fresh connection, the others resubscribe", async () => {
    const a = adapter()
    await runWithSupervisor(server, Effect.gen(function* () {
      const keep = yield* setup(a, "BTC/USDT")
      const drop = yield* setup(a, "ETH/USDT")
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("btcusdt@kline_1m") && server.activeStreams().has("ethusdt@kline_1m")))
      a.exchange.has.unWatchOHLCV = false
      const closed = server.ws.closed
      yield* drop.supervisor.stopSymbol("ETH/USDT")
      yield* Effect.promise(() => server.waitFor(() => server.ws.closed > closed))
      yield* nextEvent(keep.sub, is("Backoff", "BTC/USDT|ohlcv|1m"))
      yield* TestClock.adjust(1_000)
      yield* Effect.promise(() => server.waitFor(() => server.activeStreams().has("btcusdt@kline_1m") && !server.activeStreams().has("ethusdt@kline_1m")))
      yield* pumpUntilStatus(keep, "BTC/USDT|ohlcv|1m", (st) => st.mode === "streaming" && st.reconnects === 1)
      yield* keep.supervisor.stopSymbol("BTC/USDT")
    }).pipe(Effect.ensuring(Effect.sync(() => { a.exchange.has.unWatchOHLCV = true }))))
  })
})
