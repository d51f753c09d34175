/**
 * Stream supervision when REST has to step in, through the real ccxt.pro code path against the
 * local Binance server: gap backfill under a rate limit, websocket refused → REST polling,
 * 429/418/5xx/timeouts while polling, the exchange guard, stopping and unsubscribing.
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { Effect, PubSub } from "effect"
import { TestClock } from "effect/testing"
import { CircuitBreakers, makeExchangeGuard } from "../../../../core/resilience/index.ts"
import type { ExchangeServer } from "../../../support/exchange-server/index.ts"
import { adjustUntil, ioTick, is, nextEvent, pump, pushUpdates, runWithSupervisor, TEST_OPTIONS } from "./harness.ts"

import { M, supervisorSuite } from "./supervisor-suite.ts"

const suite = supervisorSuite()
const { adapter, setup, pumpUntilStatus } = suite
let server: ExchangeServer
beforeAll(() => {
  server = suite.server()
})

describe("gap backfill under a rate limit", () => {
  test("a 429 on the gap backfill is not retried per message: it waits for Retry-After, then fills", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "LINK/USDT")
        // (30 s jumps of virtual time below must not read as a silent websocket)
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
      }),
      { ...TEST_OPTIONS, staleAfterMs: { ohlcv: 600_000, orderbook: 600_000, trades: 600_000, liquidations: 600_000 } },
    )
  })
})

describe("REST polling fallback", () => {
  test(
    "websocket refused → REST covers from the first failure, " + "once per candle close; the websocket takes over",
    async () => {
      const a = adapter()
      server.faults.refuseWs = true
      try {
        await runWithSupervisor(
          server,
          Effect.gen(function* () {
            const ctx = yield* setup(a, "TRX/USDT")
            const key = "TRX/USDT|ohlcv|1m"
            // The very first refused connection hands the stream to REST, with the cause.
            const fallback = yield* nextEvent(ctx.sub, is("Fallback", key))
            expect(fallback.why).toContain("503")
            expect((yield* ctx.supervisor.status(key))?.mode).toBe("backoff")
            const lastClosed = ctx.series.lastClosedTime
            const polls = server.count("/api/v3/klines")
            // Server and virtual clock move together; the next candle closes within a minute.
            const data = yield* adjustUntil(ctx.sub, is("Data", key), 1_000, 120, () => server.advance(1_000))
            expect(data.source).toBe("poll")
            expect(ctx.closed.map((c) => c.time)).toEqual([lastClosed + M])
            // One REST call per close, not one per second of outage.
            expect(server.count("/api/v3/klines") - polls).toBe(1)
            yield* adjustUntil(ctx.sub, is("Data", key), 1_000, 120, () => server.advance(1_000))
            expect(ctx.closed.map((c) => c.time)).toEqual([lastClosed + M, lastClosed + 2 * M])
            expect(server.count("/api/v3/klines") - polls).toBe(2)
            const status = yield* ctx.supervisor.status(key)
            expect(status?.mode === "backoff" || status?.mode === "polling").toBe(true)
            expect(status?.lastError).toContain("503")
            server.faults.refuseWs = false
            yield* adjustUntil(ctx.sub, is("Resumed", key), 1_000, 120, () => server.advance(1_000))
            yield* pumpUntilStatus(ctx, key, (st) => st.mode === "streaming" && st.messages > 0)
            yield* ctx.supervisor.stopSymbol("TRX/USDT")
          }),
        )
      } finally {
        server.faults.refuseWs = false
      }
    },
  )

  test("429 / 418 with Retry-After while polling: waits it out, no ban loop", async () => {
    const a = adapter({ websocket: false })
    expect(a.has.watchOHLCV).toBe(false)
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
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
        // Past Retry-After; then wait in real time, so no second poll falls due while this one runs.
        yield* TestClock.adjust(10_000)
        yield* nextEvent(ctx.sub, is("Data", key))
        expect(server.count("/api/v3/klines")).toBe(afterBan + 1)
        server.faults.rateLimit({ status: 429, retryAfter: 5, path: "/api/v3/klines" })
        const limited = yield* adjustUntil(ctx.sub, is("Failed", key), 1_000)
        expect(limited.reason).toBe("RateLimited")
        const status = yield* ctx.supervisor.status(key)
        expect(status?.errors).toMatchObject({ Banned: 1, RateLimited: 1 })
        yield* ctx.supervisor.stop(key)
      }),
    )
  })

  test("5xx, timeouts and malformed JSON while polling are counted and retried", async () => {
    // 1.5 s: well under the 3 s hang, and long enough that a loaded machine's normal replies never time out
    const a = adapter({ websocket: false, timeouts: { ohlcv: 1_500 } })
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "BNB/USDT")
        const key = "BNB/USDT|ohlcv|1m"
        yield* nextEvent(ctx.sub, is("Data", key))
        server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/klines" })
        server.faults.http({ kind: "malformed" }, { path: "/api/v3/klines" })
        server.faults.http({ kind: "hang", ms: 3_000 }, { path: "/api/v3/klines" })
        const reasons: Array<string> = []
        // Enough steps for the hang to outlast the call timeout in real time, even on a loaded machine.
        while (reasons.length < 3) reasons.push((yield* adjustUntil(ctx.sub, is("Failed", key), 1_000, 1_000)).reason)
        expect(reasons).toEqual(["ServerError", "BadResponse", "Timeout"])
        yield* adjustUntil(ctx.sub, is("Data", key), 1_000)
        const status = yield* ctx.supervisor.status(key)
        expect(status?.errors).toMatchObject({ ServerError: 1, BadResponse: 1, Timeout: 1 })
        expect(status?.failures).toBe(0)
        yield* ctx.supervisor.stop(key)
        server.releaseHeld()
      }),
    )
  })
})

describe("REST calls through the ExchangeGuard (shared budget, breaker, retries)", () => {
  test("polls go through the guard: a 5xx burst is retried inside it, the stream never sees a failure", async () => {
    const a = adapter({ websocket: false })
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const guard = makeExchangeGuard(yield* CircuitBreakers, {
          exchange: "binance",
          retry: { maxAttempts: 3, baseMs: 200, jitter: 0 },
        })
        const ctx = yield* setup(a, "DOT/USDT", { rest: (operation, run) => guard.call(operation, run) })
        const key = "DOT/USDT|ohlcv|1m"
        yield* nextEvent(ctx.sub, is("Data", key))
        const before = server.count("/api/v3/klines")
        server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/klines", times: 2 })
        // The next poll falls due when the next candle closes (server and virtual clock together).
        yield* adjustUntil(ctx.sub, is("Data", key), 1_000, 150, () => server.advance(1_000))
        expect(server.count("/api/v3/klines") - before).toBe(3) // two 503s and the success, one poll
        const status = yield* ctx.supervisor.status(key)
        expect(status?.errors).toEqual({})
        expect(guard.budget.stats().granted).toBeGreaterThanOrEqual(4) // every REST call spent the shared budget
        yield* ctx.supervisor.stop(key)
      }).pipe(Effect.provide(CircuitBreakers.layerWith())),
    )
  })
})

describe("stopping", () => {
  test("stopSymbol interrupts the streams and unsubscribes them on the socket", async () => {
    const a = adapter()
    await runWithSupervisor(
      server,
      Effect.gen(function* () {
        const ctx = yield* setup(a, "AVAX/USDT", { trades: true })
        yield* Effect.promise(() =>
          server.waitFor(
            () => server.activeStreams().has("avaxusdt@kline_1m") && server.activeStreams().has("avaxusdt@trade"),
          ),
        )
        yield* ctx.supervisor.stopSymbol("AVAX/USDT")
        yield* Effect.promise(() =>
          server.waitFor(
            () => !server.activeStreams().has("avaxusdt@kline_1m") && !server.activeStreams().has("avaxusdt@trade"),
          ),
        )
        expect(server.unsubscribeLog).toEqual(expect.arrayContaining(["avaxusdt@kline_1m", "avaxusdt@trade"]))
        expect(yield* ctx.supervisor.statuses).toEqual([])
        const stopped = yield* PubSub.takeUpTo(ctx.sub, 100)
        expect(stopped.filter((e) => e._tag === "Stopped").length).toBe(2)
      }),
    )
  })

  test(
    "an exchange without ccxt unWatch support: the dropped " +
      "symbol goes with a fresh connection, the others resubscribe",
    async () => {
      const a = adapter()
      await runWithSupervisor(
        server,
        Effect.gen(function* () {
          const keep = yield* setup(a, "BTC/USDT")
          const drop = yield* setup(a, "ETH/USDT")
          yield* Effect.promise(() =>
            server.waitFor(
              () => server.activeStreams().has("btcusdt@kline_1m") && server.activeStreams().has("ethusdt@kline_1m"),
            ),
          )
          a.exchange.has.unWatchOHLCV = false
          const closed = server.ws.closed
          yield* drop.supervisor.stopSymbol("ETH/USDT")
          yield* Effect.promise(() => server.waitFor(() => server.ws.closed > closed))
          yield* nextEvent(keep.sub, is("Backoff", "BTC/USDT|ohlcv|1m"))
          yield* TestClock.adjust(1_000)
          yield* Effect.promise(() =>
            server.waitFor(
              () => server.activeStreams().has("btcusdt@kline_1m") && !server.activeStreams().has("ethusdt@kline_1m"),
            ),
          )
          yield* pumpUntilStatus(keep, "BTC/USDT|ohlcv|1m", (st) => st.mode === "streaming" && st.reconnects === 1)
          yield* keep.supervisor.stopSymbol("BTC/USDT")
        }).pipe(
          Effect.ensuring(
            Effect.sync(() => {
              a.exchange.has.unWatchOHLCV = true
            }),
          ),
        ),
      )
    },
  )
})
