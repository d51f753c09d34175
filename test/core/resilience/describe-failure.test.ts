/**
 * Every failure a guarded exchange call can end with is described with its cause: reason, host,
 * HTTP status, ccxt's error class and message; repeats of one endpoint collapse into one line.
 */
import { describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Effect, Logger } from "effect"
import { TestClock } from "effect/testing"
import {
  BulkheadFullError,
  CircuitOpenError,
  classifyCcxtError,
  describeFailure,
  makeLogDigest,
  RateBudgetExceededError,
} from "../../../core/resilience/index.ts"

describe("describeFailure", () => {
  test("a refused connection names the class, the host and ccxt's message", () => {
    const e = classifyCcxtError(
      new ccxt.NetworkError("binance GET http://127.0.0.1:39449/api/v3/klines?symbol=ETHUSDT fetch failed"),
      { exchange: "binance" },
    )
    expect(e).toMatchObject({ host: "127.0.0.1:39449", errorClass: "NetworkError" })
    expect(describeFailure(e)).toBe(
      "Network from 127.0.0.1:39449 — NetworkError: binance GET http://127.0.0.1:39449/api/v3/klines?symbol=ETHUSDT " +
        "fetch failed",
    )
  })

  test("an HTTP failure carries its status", () => {
    const e = classifyCcxtError(
      new ccxt.ExchangeNotAvailable("binance GET https://api.binance.com/api/v3/depth 503 Service Unavailable"),
    )
    expect(describeFailure(e)).toBe(
      "ServerError from api.binance.com, HTTP 503 — ExchangeNotAvailable: binance GET " +
        "https://api.binance.com/api/v3/depth 503 Service Unavailable",
    )
  })

  test("the guard's own refusals say what refused and when it tries again", () => {
    expect(
      describeFailure(new CircuitOpenError({ name: "binance:fetchOHLCV", state: "open", retryAfterMs: 29_500 })),
    ).toBe("circuit binance:fetchOHLCV open after repeated failures (next try in 30 s)")
    expect(
      describeFailure(
        new CircuitOpenError({
          name: "binance:fetchOHLCV",
          state: "open",
          lastFailure: "Network from 10.0.0.1:443 — x",
        }),
      ),
    ).toBe("circuit binance:fetchOHLCV open after repeated failures; last: Network from 10.0.0.1:443 — x")
    expect(describeFailure(new RateBudgetExceededError({ name: "binance", waitMs: 12_000, maxWaitMs: 10_000 }))).toBe(
      "rate budget binance exhausted: would wait 12000 ms, limit 10000 ms",
    )
    expect(describeFailure(new BulkheadFullError({ name: "binance", maxConcurrent: 4, maxQueued: 100 }))).toContain(
      "too many calls to binance queued",
    )
  })

  test("an error without a message still says what it is; secrets in URLs are redacted", () => {
    expect(describeFailure(new TypeError(""))).toBe("TypeError")
    expect(describeFailure(new Error("GET /x?signature=abc123&x=1"))).toBe("GET /x?signature=<redacted>&x=1")
  })
})

describe("makeLogDigest", () => {
  test("one line per key per window, the next one with the count of what was held back", async () => {
    const lines: Array<string> = []
    const logger = Logger.make(
      ({ message }) => void lines.push((Array.isArray(message) ? message : [message]).map(String).join(" ")),
    )
    await Effect.runPromise(
      Effect.gen(function* () {
        const digest = makeLogDigest(30_000)
        for (let i = 0; i < 50; i++) yield* digest.warn("fetchOHLCV", `binance fetchOHLCV failed #${i}`)
        yield* digest.warn("fetchOrderBook", "binance fetchOrderBook failed")
        expect(lines).toEqual(["binance fetchOHLCV failed #0", "binance fetchOrderBook failed"])
        yield* TestClock.adjust(30_000)
        yield* digest.warn("fetchOHLCV", "binance fetchOHLCV failed #50")
        expect(lines.at(-1)).toBe("binance fetchOHLCV failed #50 (49 more like it in the last 30 s)")
        digest.recovered("fetchOHLCV")
        yield* digest.warn("fetchOHLCV", "binance fetchOHLCV failed again")
        expect(lines.at(-1)).toBe("binance fetchOHLCV failed again")
      }).pipe(Effect.provide(TestClock.layer()), Effect.provide(Logger.layer([logger]))),
    )
  })
})
