/**
 * Real ccxt (binance) against the local faulty exchange, through ExchangeGuard (retry +
 * breaker + bulkhead + rate budget) and ResilientCache, with TestClock for every delay.
 */
import { beforeEach, describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Clock, Effect, Exit, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  type CircuitChange,
  CircuitBreakers,
  ExchangeError,
  makeExchangeGuard,
  makeResilientCache,
  type RetryInfo,
  type RetryOptions,
} from "../../../core/resilience/index.ts"
import { advance, drive, faultyExchangeForFile } from "../../support/faulty-exchange/index.ts"

const env = faultyExchangeForFile()
beforeEach(() => env.fx.clear())

const newExchange = () =>
  new ccxt.binance({
    enableRateLimit: false,
    timeout: 600_000, // our TestClock call timeout must be the one that fires
    markets: env.fx.markets as never,
    urls: { api: { public: env.fx.ccxtUrls.public } } as never,
  })

interface Rig {
  readonly ex: ReturnType<typeof newExchange>
  readonly guard: ReturnType<typeof makeExchangeGuard>
  readonly breakers: CircuitBreakers["Service"]
  readonly retries: Array<RetryInfo>
  /** Virtual time of every attempt that reached ccxt. */
  readonly attempts: Array<number>
  readonly now: () => number
}

const rig = (changes: Array<CircuitChange>, retry: RetryOptions = {}) =>
  Effect.gen(function* () {
    const breakers = yield* CircuitBreakers
    const clock = yield* Clock.Clock
    const ex = newExchange()
    const retries: Array<RetryInfo> = []
    const guard = makeExchangeGuard(breakers, {
      exchange: "binance",
      headers: () => ex.last_response_headers as Record<string, string> | undefined,
      rate: { capacity: 100, refillPerSecond: 100 },
      retry: { ...retry, onRetry: (info) => Effect.sync(() => void retries.push(info)) },
    })
    return {
      ex,
      guard,
      breakers,
      retries,
      attempts: [] as Array<number>,
      now: () => clock.currentTimeMillisUnsafe(),
    } satisfies Rig
  })

const run = <A, E>(effect: Effect.Effect<A, E, CircuitBreakers>, changes: Array<CircuitChange> = []) =>
  Effect.runPromise(
    effect.pipe(
      Effect.provide(
        Layer.mergeAll(CircuitBreakers.layerWith({ onStateChange: (c) => Effect.sync(() => void changes.push(c)) })),
      ),
      Effect.provide(TestClock.layer()),
    ),
  )

const ticker = (r: Rig) => r.guard.call("fetchTicker", () => (r.attempts.push(r.now()), r.ex.fetchTicker("BTC/USDT")))
const reasonOf = (e: unknown) => (e instanceof ExchangeError ? e.reason._tag : (e as { _tag?: string })._tag)

describe("fault injection: real ccxt through retry / breaker / budget", () => {
  test("429 with Retry-After: waits at least Retry-After (virtual), then succeeds", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        env.fx.inject({ fault: { kind: "status", status: 429, retryAfterSec: 3 }, times: 1 })
        const exit = yield* drive(yield* Effect.forkChild(ticker(r)))
        expect(Exit.isSuccess(exit) && exit.value.last).toBe(73369.84)
        expect(r.retries.map((i) => [reasonOf(i.error), i.delayMs])).toEqual([["RateLimited", 3000]])
        expect(r.attempts[1] - r.attempts[0]).toBeGreaterThanOrEqual(3000)
        expect(r.attempts[1] - r.attempts[0]).toBeLessThan(3000 + 2000) // plus the virtual time the real round trip took
      }),
    )
  })

  test("418 ban longer than the retry budget: fails fast as Banned and pauses the whole exchange budget", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        const before = env.fx.requests.length
        env.fx.inject({ fault: { kind: "status", status: 418, retryAfterSec: 300 }, times: 1 })
        const exit = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r))), { maxMs: 5000 })
        const error = Exit.isSuccess(exit) ? exit.value : undefined
        expect(error).toBeInstanceOf(ExchangeError)
        expect((error as ExchangeError).reason).toMatchObject({ _tag: "Banned", retryAfterMs: 300_000 })
        expect(env.fx.requests.length - before).toBe(1) // no hammering during a ban
        // Another endpoint, another symbol: still held by the shared budget until the ban ends.
        const bannedAt = r.now()
        const ohlcv = yield* Effect.forkChild(
          r.guard.call("fetchOHLCV", () => (r.attempts.push(r.now()), r.ex.fetchOHLCV("ETH/USDT", "1h", undefined, 3))),
        )
        yield* drive(ohlcv, { stepMs: 1000 })
        expect(r.attempts.at(-1)! - bannedAt).toBeGreaterThanOrEqual(299_000)
      }),
    )
  })

  test("500, 502 then success: jittered exponential delays within ±10 %", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        env.fx.inject({ fault: { kind: "status", status: 500 }, times: 1 })
        env.fx.inject({ fault: { kind: "status", status: 502 }, times: 1 })
        const exit = yield* drive(yield* Effect.forkChild(ticker(r)))
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(r.retries.map((i) => (i.error as ExchangeError).reason)).toMatchObject([
          { _tag: "ServerError", status: 500 },
          { _tag: "ServerError", status: 502 },
        ])
        const [d1, d2] = r.retries.map((i) => i.delayMs)
        expect(d1).toBeGreaterThanOrEqual(900)
        expect(d1).toBeLessThanOrEqual(1100)
        expect(d2).toBeGreaterThanOrEqual(1800)
        expect(d2).toBeLessThanOrEqual(2200)
        expect(r.attempts[1] - r.attempts[0]).toBeGreaterThanOrEqual(d1)
        expect(r.attempts[2] - r.attempts[1]).toBeGreaterThanOrEqual(d2)
      }),
    )
  })

  test("persistent 503: 3 attempts then ServerError; bad request never retried", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        env.fx.inject({ fault: { kind: "status", status: 503 } })
        const exit = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r))))
        expect(Exit.isSuccess(exit) && (exit.value as ExchangeError).reason).toMatchObject({
          _tag: "ServerError",
          status: 503,
        })
        expect(r.attempts).toHaveLength(3)
        env.fx.clear()
        env.fx.inject({ fault: { kind: "status", status: 400 }, times: 1 })
        const bad = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r))))
        expect(Exit.isSuccess(bad) && reasonOf(bad.value)).toBe("BadRequest")
        expect(r.attempts).toHaveLength(4)
      }),
    )
  })

  test("breaker: opens after 5 failures, fails fast without touching the server, probes after 60 s, closes after 3 successes", async () => {
    const changes: Array<CircuitChange> = []
    await run(
      Effect.gen(function* () {
        const r = yield* rig(changes)
        env.fx.inject({ fault: { kind: "status", status: 503 } })
        const first = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r)))) // attempts 1-3
        expect(Exit.isSuccess(first) && reasonOf(first.value)).toBe("ServerError")
        const second = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r)))) // attempts 4-5, then open
        expect(Exit.isSuccess(second) && reasonOf(second.value)).toBe("CircuitOpenError")
        expect(r.attempts).toHaveLength(5)
        const openedAt = changes[0].at
        expect(changes[0]).toMatchObject({
          name: "binance:fetchTicker",
          from: "closed",
          to: "open",
          reason: "5 consecutive failures",
        })
        const hits = env.fx.requests.length
        const rejected = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r))))
        expect(Exit.isSuccess(rejected) && rejected.value).toMatchObject({ _tag: "CircuitOpenError", state: "open" })
        expect(env.fx.requests.length).toBe(hits) // fail fast: the server saw nothing
        // Other endpoints keep working while this one is open.
        const book = yield* drive(
          yield* Effect.forkChild(r.guard.call("fetchOrderBook", () => r.ex.fetchOrderBook("BTC/USDT", 2))),
        )
        expect(Exit.isFailure(book)).toBe(true) // the fault hits every path...
        env.fx.clear() // ...until the storm ends
        yield* advance(60_000 - (r.now() - openedAt), 1000)
        for (let i = 0; i < 3; i++) {
          const ok = yield* drive(yield* Effect.forkChild(ticker(r)))
          expect(Exit.isSuccess(ok)).toBe(true)
        }
        const snap = (yield* r.breakers.snapshot).find((b) => b.name === "binance:fetchTicker")!
        expect(snap.state).toBe("closed")
      }),
      changes,
    )
    const ticks = changes.filter((c) => c.name === "binance:fetchTicker")
    expect(ticks.map((c) => `${c.from}>${c.to}`)).toEqual(["closed>open", "open>half-open", "half-open>closed"])
    expect(ticks[1].at - ticks[0].at).toBeGreaterThanOrEqual(60_000)
    expect(ticks[1].at - ticks[0].at).toBeLessThan(62_000)
    expect(ticks[2].reason).toBe("3 probe calls succeeded")
  })

  test("half-open admits one probe at a time: concurrent callers fail fast while it is in flight", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([], { maxAttempts: 1 })
        env.fx.inject({ fault: { kind: "status", status: 502 } })
        for (let i = 0; i < 5; i++) yield* drive(yield* Effect.forkChild(Effect.exit(ticker(r))))
        env.fx.clear()
        yield* advance(60_000, 1000)
        const before = env.fx.requests.length
        env.fx.inject({ fault: { kind: "slow", delayMs: 600_000 }, times: 1 })
        const probe = yield* Effect.forkChild(ticker(r))
        yield* Effect.promise(() => env.fx.waitForRequests(before + 1))
        const others = yield* Effect.forEach([1, 2, 3], () => Effect.flip(ticker(r)))
        for (const e of others) expect(e).toMatchObject({ _tag: "CircuitOpenError", state: "half-open" })
        expect(env.fx.requests.length).toBe(before + 1) // only the probe reached the exchange
        env.fx.clear() // the held probe is answered now
        const exit = yield* drive(probe)
        expect(Exit.isSuccess(exit)).toBe(true)
        expect((yield* r.breakers.snapshot)[0]).toMatchObject({ state: "half-open", rejected: 3 })
      }),
    )
  })

  test("slow response past the 30 s call timeout: Timeout, counted by the breaker", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([], { maxAttempts: 1 })
        env.fx.inject({ fault: { kind: "slow", delayMs: 300_000 }, times: 1 })
        const fiber = yield* Effect.forkChild(Effect.flip(ticker(r)))
        const exit = yield* drive(fiber, { stepMs: 500 })
        expect(Exit.isSuccess(exit) && exit.value).toMatchObject({ _tag: "ExchangeError", reason: { _tag: "Timeout" } })
        expect(r.now()).toBeGreaterThanOrEqual(30_000)
        expect(r.now()).toBeLessThan(31_000)
        env.fx.clear() // release the held request; its late answer must be ignored quietly
        const snap = (yield* r.breakers.snapshot)[0]
        expect(snap).toMatchObject({ failures: 1, consecutiveFailures: 1, state: "closed" })
        expect(Exit.isSuccess(yield* drive(yield* Effect.forkChild(ticker(r))))).toBe(true)
      }),
    )
  })

  test("connection reset: Network, retried, recovers", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        // Bun's fetch silently retries one reset on a reused keep-alive socket: two resets fail a call.
        env.fx.inject({ fault: { kind: "reset" }, times: 2 })
        const exit = yield* drive(yield* Effect.forkChild(ticker(r)))
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(r.retries.map((i) => reasonOf(i.error))).toEqual(["Network"])
      }),
    )
  })

  test("malformed JSON and empty bodies: BadResponse; the cache serves the last good value marked stale, then recovers", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([], { maxAttempts: 2 })
        const cache = makeResilientCache<string, ReadonlyArray<unknown>>({ name: "binance:ohlcv", ttlMs: 5000 })
        const candles = () =>
          cache.get(
            "BTC/USDT:1h",
            r.guard.call("fetchOHLCV", () => r.ex.fetchOHLCV("BTC/USDT", "1h", undefined, 3), {
              // ccxt turns broken JSON into candles of nulls and an empty body into []
              validate: (rows) =>
                rows.length === 0
                  ? "no candles"
                  : rows.some((c) => c[4] === null || c[4] === undefined)
                    ? "candle without close"
                    : undefined,
            }),
          )
        const fresh = yield* drive(yield* Effect.forkChild(candles()))
        expect(Exit.isSuccess(fresh) && fresh.value).toMatchObject({ stale: false })
        yield* advance(6000, 1000)
        env.fx.inject({ fault: { kind: "malformed" }, path: "/api/v3/klines", times: 1 })
        env.fx.inject({ fault: { kind: "empty" }, path: "/api/v3/klines", times: 1 })
        const stale = yield* drive(yield* Effect.forkChild(candles()))
        expect(Exit.isSuccess(stale) && stale.value.stale).toBe(true)
        if (Exit.isSuccess(stale)) {
          expect(stale.value.fetchedAt).toBe(Exit.isSuccess(fresh) ? fresh.value.fetchedAt : -1)
          expect(r.now() - stale.value.fetchedAt).toBeGreaterThanOrEqual(6000)
          expect(stale.value.value).toHaveLength(3)
          expect((stale.value.error as ExchangeError).reason._tag).toBe("BadResponse")
        }
        expect(r.retries.map((i) => (i.error as ExchangeError).message)).toEqual([
          "binance fetchOHLCV: candle without close",
        ])
        const recovered = yield* drive(yield* Effect.forkChild(candles()))
        expect(Exit.isSuccess(recovered) && recovered.value.stale).toBe(false)
        expect(cache.stats()).toMatchObject({ stale: 1, loadErrors: 1, misses: 3 })
        // A ticker with broken JSON makes ccxt throw a TypeError: classified BadResponse too.
        env.fx.inject({ fault: { kind: "malformed" }, path: "/api/v3/ticker", times: 1 })
        const t = yield* drive(yield* Effect.forkChild(ticker(r)))
        expect(Exit.isSuccess(t)).toBe(true)
        expect(reasonOf(r.retries.at(-1)!.error)).toBe("BadResponse")
      }),
    )
  })

  test("no unhandled rejection across the suite", () => {
    expect(env.unhandled).toBe(0)
  })
})
