/**
 * Binance as it really talks, through the plugin: the local server replays ccxt's recorded Binance
 * spot sessions (`test/fixtures/ccxt-ws/binance.json`, MIT, see its README) message by message,
 * and what the plugin hands the engine must equal ccxt's recorded parse — a kline stream, a trade,
 * and a diff-depth book seeded by the recorded REST snapshot.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../../support/exchange-server/index.ts"
import { type RecordedCase, recordedCase, recordedWs, replayed } from "../../../support/exchange-server/recorded.ts"

let server: ExchangeServer
let adapter: CcxtAdapter
const binance = await recordedWs("binance")

beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: await loadMarketsFixture("binance") })
  adapter = createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false })
  await adapter.loadSymbols()
})

afterAll(async () => {
  await adapter.close()
  await server.stop()
})

/** Binance topics are the stream names the client subscribed in the recording ("btcusdt@trade"). */
const binanceTopic = (c: RecordedCase) => (c.sentMessages[0] as { params: Array<string> }).params[0]!

test("binance klines: what the engine gets equals ccxt's recorded parse", async () => {
  const c = recordedCase(binance, "watchOHLCV", "spot ohlcv 1m")
  const got = await replayed(server, c, binanceTopic(c), () => adapter.watchOHLCV!(c.input[0] as string, "1m"))
  expect(got.map((candles) => candles.map((k) => [k.time, k.open, k.high, k.low, k.close, k.volume]))).toEqual(
    c.parsedResponses as Array<Array<Array<number>>>,
  )
})

test("binance trades: id, time, price, size and side (buyer is maker → a sell) as ccxt parsed them", async () => {
  const c = recordedCase(binance, "watchTrades", "spot public trade message")
  const [got = []] = await replayed(server, c, binanceTopic(c), () => adapter.watchTrades!(c.input[0] as string))
  const expected = (c.parsedResponse as Array<Record<string, unknown>>).map((t) => [
    t.id,
    t.timestamp,
    t.price,
    t.amount,
    t.side,
  ])
  expect(got.map((t): Array<unknown> => [t.id, t.time, t.price, t.amount, t.side])).toEqual(expected)
})

test("binance order book: the recorded REST snapshot plus both depth updates give ccxt's recorded book", async () => {
  const c = recordedCase(binance, "watchOrderBook", "spot orderbook from rest snapshot and two depth deltas")
  // the snapshot ccxt fetches after the subscribe ack is the one it fetched when recording
  server.faults.http({ kind: "respond", status: 200, body: c.httpResponse }, { path: "/api/v3/depth" })
  // the first watch resolves once the snapshot is in and the buffered first update applied; the second
  // with the next update
  const got = await replayed(server, c, binanceTopic(c), () => adapter.watchOrderBook!(c.input[0] as string), 2)
  expect(server.faults.injected.respond).toBe(1)
  const last = got.at(-1)!
  const expected = c.parsedResponse as { bids: Array<Array<number>>; asks: Array<Array<number>>; timestamp: number }
  expect({ time: last.time, bids: last.bids.map((l) => [...l]), asks: last.asks.map((l) => [...l]) }).toEqual({
    time: expected.timestamp,
    bids: expected.bids,
    asks: expected.asks,
  })
  // after the snapshot alone the removed 64001 ask would still be there: the first update was applied
  expect(got[0]!.asks.map(([price]) => price)).not.toContain(64001)
})
