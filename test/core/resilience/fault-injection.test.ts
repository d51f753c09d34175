/**
 * Real ccxt (binance) against the local faulty exchange, through ExchangeGuard (retry +
 * breaker + bulkhead + rate budget) and ResilientCache, with TestClock for every delay.
 */
import { beforeEach, describe, expect, test } from "bun:test"
import { Effect, Exit } from "effect"
import { ExchangeError, makeResilientCache } from "../../../core/resilience/index.ts"
import { advance, drive, faultyExchangeForFile } from "../../support/faulty-exchange/index.ts"
import { makeFaultRig } from "./fault-rig.ts"

const env = faultyExchangeForFile()
beforeEach(() => env.fx.clear())
const { rig, run, ticker, reasonOf } = makeFaultRig(env)

describe("fault injection: real ccxt through retry / breaker / budget", () => {
  test("429 with Retry-After: waits at least Retry-After (virtual), then succeeds", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        env.fx.inject({ fault: { kind: "status", status: 429, retryAfterSec: 3 }, times: 1 })
        const exit = yield* drive(yield* Effect.forkChild(ticker(r)))
        expect(Exit.isSuccess(exit) && exit.value.last).toBe(73369.84)
        expect(r.retries.map((i) => [reasonOf(i.error), i.delayMs])).toEqual([["RateLimited", 3000]])
        // Counted from the 429's arrival, so however long the real round trip took in virtual
        // time does not count: the retry goes out once Retry-After has passed, and not much later.
        const waited = r.attempts[1] - r.retries[0].at
        expect(waited).toBeGreaterThanOrEqual(3000)
        expect(waited).toBeLessThan(3000 + 1000)
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

  test("connection reset: Network, retried, recovers", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([])
        // Bun's fetch silently retries one reset when the socket was a reused keep-alive one, and
        // whether it is depends on the server's idle timer: two resets are one or two failed attempts.
        env.fx.inject({ fault: { kind: "reset" }, times: 2 })
        const exit = yield* drive(yield* Effect.forkChild(ticker(r)))
        expect(Exit.isSuccess(exit)).toBe(true)
        const reasons = r.retries.map((i) => reasonOf(i.error))
        expect(reasons.length).toBeGreaterThanOrEqual(1)
        expect(reasons.length).toBeLessThanOrEqual(2)
        expect(new Set(reasons)).toEqual(new Set(["Network"]))
      }),
    )
  })

  test(
    "malformed JSON and empty bodies: BadResponse; the cache serves the last good value marked stale, " +
      "then recovers",
    async () => {
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
    },
  )

  test("no unhandled rejection across the suite", () => {
    expect(env.unhandled).toBe(0)
  })
})
