/**
 * REST calls through the ccxt plugin, wrapped by the resilience layer's ExchangeGuard (one rate
 * budget per exchange, breaker per endpoint, retry Schedule), against the local server's faults.
 * Virtual time (TestClock) for backoff; real time only for the sockets, and virtual time stands
 * still while a request is in flight, so a slow round trip on a loaded machine never reads as a
 * call timeout (an extra retry) and a fault's effect is awaited, not given a few milliseconds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Exit, type Fiber } from "effect"
import { TestClock } from "effect/testing"
import {
  type CallOptions,
  CircuitBreakers,
  type ExchangeError,
  type ExchangeGuard,
  makeExchangeGuard,
} from "../../../../core/resilience/index.ts"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import {
  EXTRA_SPOT,
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"
import { eventually } from "../../../support/eventually.ts"

let server: ExchangeServer
let adapter: CcxtAdapter

beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: await loadMarketsFixture("binance"), extraSpot: EXTRA_SPOT })
  adapter = createCcxtAdapter({
    id: "binance",
    urls: server.binanceUrls(),
    enableRateLimit: false,
    // Well under the 3 s hang below, and long enough that a loaded machine's normal replies never time out.
    timeouts: { ohlcv: 1_500 },
  })
  await adapter.loadSymbols()
})
afterAll(async () => {
  await adapter.close()
  await server.stop()
})

const ioTick = (ms = 5) => TestClock.withLive(Effect.promise(() => new Promise<void>((r) => setTimeout(r, ms))))

const run = <A>(program: (guard: ExchangeGuard) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const breakers = yield* CircuitBreakers
      const guard = makeExchangeGuard(breakers, {
        exchange: "binance",
        rate: { capacity: 50, refillPerSecond: 50 },
        headers: () => adapter.exchange.last_response_headers,
        retry: { maxAttempts: 4, baseMs: 500, jitter: 0 },
      })
      return yield* program(guard)
    }).pipe(Effect.provide(CircuitBreakers.layerWith()), Effect.provide(TestClock.layer())) as Effect.Effect<
      A,
      never,
      never
    >,
  )

/** Requests started through `tracked` and not yet answered. */
let inFlight = 0
const tracked =
  <A>(request: () => Promise<A>) =>
  (): Promise<A> => {
    inFlight++
    return request().finally(() => inFlight--)
  }
/** Waits in real time until no request is in flight. */
const idle = Effect.promise(() =>
  eventually(
    "no request in flight",
    () => inFlight,
    (n) => n === 0,
  ),
)
/** Waits in real time until the guard has read a Retry-After and paused the whole budget. */
const paused = (guard: ExchangeGuard) =>
  Effect.promise(() =>
    eventually(
      "the budget's pause",
      () => guard.budget.stats().pausedUntil,
      (t) => t > 0,
    ),
  )

/** Moves virtual time in small steps, between requests only, until the fiber ends. */
const drive = <A, E>(fiber: Fiber.Fiber<A, E>, stepMs: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < 400; i++) {
      yield* ioTick()
      yield* idle
      const done = fiber.pollUnsafe()
      if (done !== undefined) return done
      yield* TestClock.adjust(stepMs)
    }
    return yield* Effect.die(new Error("fiber did not finish"))
  })

const candles = (guard: ExchangeGuard, options?: CallOptions<ReadonlyArray<unknown>>) =>
  guard.call(
    "fetchOHLCV",
    tracked(() => adapter.fetchOHLCV("BTC/USDT", "1m", undefined, 5)),
    options,
  )

describe("ccxt plugin under the ExchangeGuard", () => {
  test("5xx twice, then OK: retried with backoff, result delivered; each failed attempt reported", async () => {
    server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/klines", times: 2 })
    const before = server.count("/api/v3/klines")
    const attempts: Array<string> = []
    const onAttemptFailure = (e: ExchangeError) => Effect.sync(() => attempts.push(`${e.reason._tag} ${e.status}`))
    const exit = await run((guard) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(candles(guard, { onAttemptFailure }))
        return yield* drive(fiber, 250)
      }),
    )
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(server.count("/api/v3/klines") - before).toBe(3)
    expect(attempts).toEqual(["ServerError 503", "ServerError 503"])
  })

  test("429 + Retry-After: the retry waits it out, and the whole exchange budget pauses (no ban loop)", async () => {
    server.faults.rateLimit({ status: 429, retryAfter: 3, path: "/api/v3/klines" })
    const klines = server.count("/api/v3/klines")
    const depth = server.count("/api/v3/depth")
    await run((guard) =>
      Effect.gen(function* () {
        const first = yield* Effect.forkChild(candles(guard))
        yield* Effect.promise(() => server.waitFor(() => server.count("/api/v3/klines") === klines + 1))
        yield* paused(guard)
        // another symbol's call during the pause waits too: one budget per exchange
        const other = yield* Effect.forkChild(
          guard.call(
            "fetchOrderBook",
            tracked(() => adapter.fetchOrderBook("ETH/USDT", 10)),
          ),
        )
        for (let i = 0; i < 5; i++) {
          yield* TestClock.adjust(500)
          yield* ioTick()
        }
        expect(server.count("/api/v3/klines")).toBe(klines + 1) // 2.5 s < Retry-After 3 s
        expect(server.count("/api/v3/depth")).toBe(depth)
        const exit = yield* drive(first, 250)
        expect(Exit.isSuccess(exit)).toBe(true)
        yield* drive(other, 250)
        expect(server.count("/api/v3/klines")).toBe(klines + 2)
        expect(server.count("/api/v3/depth")).toBe(depth + 1)
        expect(guard.budget.stats().pausedUntil).toBeGreaterThan(0)
      }),
    )
  })

  test("418 ban: classified Banned, Retry-After honoured before the single retry", async () => {
    server.faults.rateLimit({ status: 418, retryAfter: 120, path: "/api/v3/klines" })
    const klines = server.count("/api/v3/klines")
    await run((guard) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(candles(guard))
        yield* Effect.promise(() => server.waitFor(() => server.count("/api/v3/klines") === klines + 1))
        yield* paused(guard)
        for (let i = 0; i < 11; i++) {
          yield* TestClock.adjust(10_000)
          yield* ioTick()
        }
        expect(server.count("/api/v3/klines")).toBe(klines + 1) // 110 s: still banned, no request sent
        const exit = yield* drive(fiber, 5_000)
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(server.count("/api/v3/klines")).toBe(klines + 2)
      }),
    )
  })

  test("timeouts and malformed JSON are retried; a bad symbol is not", async () => {
    server.faults.http({ kind: "hang", ms: 3_000 }, { path: "/api/v3/klines" })
    server.faults.http({ kind: "malformed" }, { path: "/api/v3/klines" })
    const klines = server.count("/api/v3/klines")
    const exit = await run((guard) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(candles(guard))
        return yield* drive(fiber, 250)
      }),
    )
    server.releaseHeld()
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(server.count("/api/v3/klines") - klines).toBe(3)
    const bad = await run((guard) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(
          guard.call(
            "fetchOHLCV",
            tracked(() => adapter.fetchOHLCV("NOPE/USDT", "1m")),
          ),
        )
        return yield* drive(fiber, 250)
      }),
    )
    expect(Exit.isFailure(bad)).toBe(true)
    expect(JSON.stringify(bad)).toContain("BadRequest")
  })
})
