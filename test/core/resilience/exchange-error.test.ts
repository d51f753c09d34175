import { describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Cause } from "effect"
import {
  classifyCcxtError,
  ExchangeError,
  isEndpointFailure,
  isRetryable,
  parseRetryAfter,
  statusFromMessage,
} from "../../../core/resilience/index.ts"

const tagOf = (e: unknown, headers?: Record<string, string>) =>
  classifyCcxtError(e, { exchange: "binance", headers, nowMs: 0 }).reason

describe("classifyCcxtError", () => {
  test("maps ccxt's error classes", () => {
    expect(tagOf(new ccxt.RequestTimeout("binance GET http://x/api 504 Gateway Timeout"))._tag).toBe("Timeout")
    expect(tagOf(new ccxt.NetworkError("binance fetch failed"))._tag).toBe("Network")
    expect(
      tagOf(new ccxt.ExchangeNotAvailable("binance GET http://x/api/v3/klines?limit=500 503 Service Unavailable")),
    ).toMatchObject({
      _tag: "ServerError",
      status: 503,
    })
    expect(tagOf(new ccxt.OnMaintenance("binance on maintenance"))._tag).toBe("ServerError")
    expect(tagOf(new ccxt.AuthenticationError("binance bad key"))._tag).toBe("Auth")
    expect(tagOf(new ccxt.BadSymbol("binance does not have market symbol FOO/BAR"))._tag).toBe("BadRequest")
    expect(tagOf(new ccxt.BadRequest('binance {"code":-1100}'))._tag).toBe("BadRequest")
    expect(tagOf(new ccxt.NotSupported("binance fetchFoo() is not supported yet"))._tag).toBe("NotSupported")
    expect(tagOf(new ccxt.BadResponse("binance unparsable"))._tag).toBe("BadResponse")
    expect(tagOf(new ccxt.NullResponse("binance null"))._tag).toBe("BadResponse")
  })

  test("429 / 418 (binance throws DDoSProtection for both) honour Retry-After", () => {
    expect(tagOf(new ccxt.DDoSProtection("binance 429 Too Many Requests {}"), { "Retry-After": "7" })).toMatchObject({
      _tag: "RateLimited",
      retryAfterMs: 7000,
    })
    expect(tagOf(new ccxt.DDoSProtection("binance 418 I'm a teapot {}"), { "Retry-After": "120" })).toMatchObject({
      _tag: "Banned",
      retryAfterMs: 120_000,
    })
    expect(tagOf(new ccxt.RateLimitExceeded("binance GET http://x 429 Too Many Requests"))).toMatchObject({
      _tag: "RateLimited",
    })
  })

  test("4xx that ccxt calls ExchangeNotAvailable is a bad request, not a server error", () => {
    expect(tagOf(new ccxt.ExchangeNotAvailable("binance GET http://127.0.0.1:8080/api 404 Not Found"))).toMatchObject({
      _tag: "BadRequest",
      status: 404,
    })
  })

  test("non-ccxt failures", () => {
    expect(tagOf(new Cause.TimeoutError())._tag).toBe("Timeout")
    expect(tagOf(new SyntaxError("Unexpected token"))._tag).toBe("BadResponse")
    expect(tagOf(Object.assign(new Error("socket closed"), { code: "ECONNRESET" }))._tag).toBe("Network")
    expect(tagOf(new TypeError("fetch failed"))._tag).toBe("Network")
    expect(tagOf("weird")._tag).toBe("BadResponse")
    const already = classifyCcxtError(new ccxt.NetworkError("x"))
    expect(classifyCcxtError(already)).toBe(already)
    expect(classifyCcxtError(new ccxt.NetworkError("x"), { exchange: "okx", operation: "fetchTicker" })).toMatchObject({
      exchange: "okx",
      operation: "fetchTicker",
    })
  })

  test("decisions: retryable and endpoint failure", () => {
    const c = (e: unknown) => classifyCcxtError(e)
    expect(isRetryable(c(new ccxt.RequestTimeout("t")))).toBe(true)
    expect(isRetryable(c(new ccxt.DDoSProtection("binance 418 x")))).toBe(true)
    expect(isRetryable(c(new ccxt.ExchangeNotAvailable("binance GET u 502 Bad Gateway")))).toBe(true)
    expect(isRetryable(c(new ccxt.BadRequest("b")))).toBe(false)
    expect(isRetryable(c(new ccxt.AuthenticationError("a")))).toBe(false)
    expect(isRetryable(c(new ccxt.NotSupported("n")))).toBe(false)
    expect(isRetryable(new Error("plain"))).toBe(false)
    expect(isEndpointFailure(c(new ccxt.BadRequest("b")))).toBe(false)
    expect(isEndpointFailure(c(new ccxt.NetworkError("n")))).toBe(true)
    expect(c(new ccxt.NetworkError("n"))).toBeInstanceOf(ExchangeError)
  })

  test("status and Retry-After parsing", () => {
    expect(statusFromMessage("binance GET http://h:1/a?limit=500 502 Bad Gateway body")).toBe(502)
    expect(statusFromMessage("binance 429 Too Many Requests {}")).toBe(429)
    expect(statusFromMessage("binance does not have market symbol")).toBeUndefined()
    expect(parseRetryAfter("2")).toBe(2000)
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000)).toBe(6000)
    expect(parseRetryAfter("soon")).toBeUndefined()
  })
})

describe("redaction", () => {
  test("signed query parameters never reach the error message", () => {
    const e = classifyCcxtError(
      new ccxt.AuthenticationError(
        "binance GET https://api.binance.com/api/v3/account?timestamp=1&signature=deadbeef&recvWindow=5000 401 " +
          "Unauthorized",
      ),
    )
    expect(e.message).not.toContain("deadbeef")
    expect(e.message).toContain("signature=<redacted>")
    expect(e.reason._tag).toBe("Auth")
    expect(String(e.cause ?? "")).not.toContain("deadbeef")
  })
})

describe("stamped errors (the ccxt plugin's rest hook)", () => {
  test("httpStatus and retryAfterMs on the error win over message and headers", () => {
    const e = Object.assign(new ccxt.DDoSProtection("binance 418 I'm a teapot"), {
      httpStatus: 418,
      retryAfterMs: 9000,
    })
    expect(classifyCcxtError(e, { headers: { "Retry-After": "1" } }).reason).toMatchObject({
      _tag: "Banned",
      retryAfterMs: 9000,
    })
    const s = Object.assign(new ccxt.ExchangeNotAvailable("binance unavailable"), { httpStatus: 502 })
    expect(classifyCcxtError(s).reason).toMatchObject({ _tag: "ServerError", status: 502 })
  })

  test("a generic ExchangeError is judged by its status; the stamped host names where it failed", () => {
    const body = 'bybit {"retCode":10016,"retMsg":"service unavailable"}'
    const stamped = (httpStatus: number) =>
      Object.assign(new ccxt.ExchangeError(body), { httpStatus, requestHost: "api.bybit.com" })
    expect(classifyCcxtError(stamped(503)).reason).toMatchObject({ _tag: "ServerError", status: 503 })
    expect(classifyCcxtError(stamped(429)).reason._tag).toBe("RateLimited")
    expect(classifyCcxtError(stamped(400)).reason._tag).toBe("BadRequest")
    expect(classifyCcxtError(stamped(503)).host).toBe("api.bybit.com")
    // a URL in ccxt's own message wins over the stamp
    const named = Object.assign(new ccxt.ExchangeNotAvailable("bybit GET https://api2.bybit.com/v5/x 503 x"), {
      requestHost: "api.bybit.com",
    })
    expect(classifyCcxtError(named).host).toBe("api2.bybit.com")
  })
})
