/**
 * Clock skew against the local Binance server's time endpoint (`/api/v3/time`), through ccxt:
 * the exchange's clock minus ours, and the offset candle closing uses.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { closeOffsetMs, measureClockSkew } from "../../../core/market/clock-skew.ts"
import { createCcxtAdapter, type CcxtAdapter } from "../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../support/exchange-server/index.ts"

let server: ExchangeServer
let adapter: CcxtAdapter
beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: await loadMarketsFixture("binance") })
  adapter = createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false, websocket: false })
})
afterAll(async () => {
  await adapter.close()
  await server.stop()
})

test("a host clock 7 s behind the exchange reads as +7 s skew; closing allows for it", async () => {
  const skew = await Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(server.market.now - 7_000)
      return yield* measureClockSkew(adapter)
    }).pipe(Effect.provide(TestClock.layer())),
  )
  expect(skew).toEqual({ skewMs: 7_000, uncertaintyMs: 0 })
  expect(closeOffsetMs(skew)).toBe(7_000)
  expect(server.count("/api/v3/time")).toBe(1)
})

test("the round trip's half is taken off the offset: a candle never closes early", () => {
  expect(closeOffsetMs({ skewMs: 2_000, uncertaintyMs: 150 })).toBe(1_850)
  expect(closeOffsetMs(undefined)).toBe(0)
})

test("no time endpoint (or a failing one): no reading, no offset", async () => {
  server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/time" })
  expect(await Effect.runPromise(measureClockSkew(adapter))).toBeUndefined()
  const { fetchTime: _, ...withoutTime } = adapter
  expect(await Effect.runPromise(measureClockSkew(withoutTime))).toBeUndefined()
})
