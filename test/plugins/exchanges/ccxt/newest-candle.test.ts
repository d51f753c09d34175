/**
 * Exact candles at start, engine-level on ccxt against a local Binance whose clock differs from
 * ours. A candle is closed once its period ended by the exchange's clock (skew measured against
 * its time endpoint before the first fetch): the newest closed candle is in the series from the
 * start, and a host clock running ahead never closes the exchange's open candle early.
 */
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { MarketData } from "../../../../core/market/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../../support/app.ts"
import { startFixtureExchange } from "../../../support/exchange-server/index.ts"
import { ccxtEngineConfig } from "./engine-config.ts"

const M = 60_000

/**
 * The engine's newest 1m candle open times after start, with the exchange's clock standing at
 * `exchangeNow` (it only moves when a test advances it), and the clock skew line it logged.
 */
const startedSeries = async (exchangeNow: number) => {
  const server = await startFixtureExchange({ now: exchangeNow })
  const config = ccxtEngineConfig({ id: "binance", urls: server.binanceUrls() }, ["BTC/USDT"])
  const { lines: logs, logger: capture } = captureLogs()
  let app: RunningApp | undefined
  try {
    app = await startApp(config, [capture])
    await Effect.runPromise(app.get(MarketData).awaitReady)
    const res = await fetch(new URL("/v1/candles/BTC%2FUSDT?timeframe=1m&limit=3", app.url()))
    const { items } = (await res.json()) as { items: Array<{ time: number }> }
    return { times: items.map((c) => c.time), skew: logs.find((l) => l.includes("binance clock:")) }
  } finally {
    await app?.close()
    await server.stop()
  }
}

test("the exchange's clock is ahead: the candle it closed is in the series from the start", async () => {
  // A minute boundary the host does not reach during the test; the exchange stands 2 s past it.
  const boundary = Math.ceil((Date.now() + 20_000) / M) * M
  const { times, skew } = await startedSeries(boundary + 2_000)
  expect(Date.now()).toBeLessThan(boundary) // by our clock the candle opening at boundary − 1m is still open
  expect(times).toEqual([boundary - 3 * M, boundary - 2 * M, boundary - M])
  expect(skew).toMatch(/binance clock: \d+ ms from ours/)
}, 30_000)

test("our clock is ahead: the exchange's open candle is not closed early", async () => {
  // A boundary the host passed at least 5 s ago; the exchange stands 2 s before it.
  const boundary = Math.floor((Date.now() - 5_000) / M) * M
  const { times, skew } = await startedSeries(boundary - 2_000)
  // by our clock the candle opening at boundary − 1m has ended, by the exchange's it has 2 s to go
  expect(times).toEqual([boundary - 4 * M, boundary - 3 * M, boundary - 2 * M])
  expect(skew).toMatch(/binance clock: -\d+ ms from ours/)
}, 30_000)
