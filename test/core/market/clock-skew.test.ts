/**
 * Clock skew against the local Binance server's time endpoint (`/api/v3/time`), through ccxt:
 * the exchange's clock minus ours, the offset candle closing uses, and its re-measurement on a
 * schedule (TestClock for our clock, the server's controllable clock for the exchange's).
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"
import { closeOffsetMs, measureClockSkew, trackClockSkew } from "../../../core/market/clock-skew.ts"
import { createCcxtAdapter, type CcxtAdapter } from "../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../support/exchange-server/index.ts"
import { eventually } from "../../support/eventually.ts"

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

/** Waits (real time: the HTTP round trip of the forked re-measurement) until `done` holds. */
const settle = (what: string, done: () => boolean) => Effect.promise(() => eventually(what, done, Boolean))

test("the skew is measured again every interval: a host clock that drifts is followed", async () => {
  const offsets = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        yield* TestClock.setTime(server.market.now - 7_000)
        const before = server.count("/api/v3/time")
        const offset = yield* trackClockSkew(adapter, 60_000)
        const readings = [offset.closeOffset()]
        // By our next reading the exchange's clock is 3 s behind ours (ours was stepped forward).
        server.market.now = (yield* Clock.currentTimeMillis) + 60_000 - 3_000
        yield* TestClock.adjust(60_000)
        yield* settle("the second reading", () => offset.closeOffset() === -3_000)
        readings.push(offset.closeOffset())
        // A failed reading keeps the last good one.
        server.faults.http({ kind: "status", status: 503 }, { path: "/api/v3/time" })
        yield* TestClock.adjust(60_000)
        yield* settle(
          "the failed third reading",
          () => server.faults.pending() === 0 && server.count("/api/v3/time") === before + 3,
        )
        readings.push(offset.closeOffset())
        expect(server.count("/api/v3/time")).toBe(before + 3)
        return readings
      }),
    ).pipe(Effect.provide(TestClock.layer())),
  )
  expect(offsets).toEqual([7_000, -3_000, -3_000])
})
