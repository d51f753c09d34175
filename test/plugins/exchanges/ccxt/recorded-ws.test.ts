/**
 * Real exchange messages through the plugin: the local server replays ccxt's recorded websocket
 * sessions (`test/fixtures/ccxt-ws/`, MIT, see its README) message by message, and what the
 * plugin hands the engine must match ccxt's recorded parse of the same messages — candles, an
 * order book and trades as OKX sent them.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../../support/exchange-server/index.ts"
import { type RecordedCase, recordedCase, recordedWs, replayed } from "../../../support/exchange-server/recorded.ts"

let server: ExchangeServer
let adapter: CcxtAdapter
const okx = await recordedWs("okx")

beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: {}, okxMarkets: await loadMarketsFixture("okx") })
  adapter = createCcxtAdapter({ id: "okx", urls: server.okxUrls(), enableRateLimit: false })
  await adapter.loadSymbols()
})

afterAll(async () => {
  await adapter.close()
  await server.stop()
})

/** OKX topics are `<channel>:<instId>`, from the subscribe the client sent in the recording. */
const okxTopic = (c: RecordedCase) => {
  const arg = (c.sentMessages[0] as { args: Array<{ channel: string; instId: string }> }).args[0]!
  return `${arg.channel}:${arg.instId}`
}

test("okx candles: what the engine gets equals ccxt's recorded parse", async () => {
  const c = recordedCase(okx, "watchOHLCV", "spot ohlcv 1m")
  const got = await replayed(server, c, okxTopic(c), () => adapter.watchOHLCV!(c.input[0] as string, "1m"))
  const expected = c.parsedResponses as Array<Array<Array<number>>>
  expect(got.map((candles) => candles.map((k) => [k.time, k.open, k.high, k.low, k.close, k.volume]))).toEqual(expected)
})

test("okx trades: ids, times, prices, sizes and sides as ccxt parsed them", async () => {
  const c = recordedCase(okx, "watchTrades", "spot trades")
  const got = await replayed(server, c, okxTopic(c), () => adapter.watchTrades!(c.input[0] as string))
  const expected = (c.parsedResponses as Array<Array<Record<string, unknown>>>).map((trades) =>
    trades.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side]),
  )
  const parsed: Array<Array<Array<unknown>>> = got.map((trades) =>
    trades.map((t) => [t.id, t.time, t.price, t.amount, t.side]),
  )
  expect(parsed).toEqual(expected)
})

test("okx order book (books5): both snapshots as ccxt parsed them", async () => {
  const c = recordedCase(okx, "watchOrderBook", "spot orderbook depth 5")
  const got = await replayed(server, c, okxTopic(c), () => adapter.watchOrderBook!(c.input[0] as string, 5))
  const levels = (side: Array<Array<number>>) => side.map(([price, amount]) => [price, amount])
  const expected = (
    c.parsedResponses as Array<{ bids: Array<Array<number>>; asks: Array<Array<number>>; timestamp: number }>
  ).map((b) => ({ time: b.timestamp, bids: levels(b.bids), asks: levels(b.asks) }))
  expect(got.map((b) => ({ time: b.time, bids: b.bids.map((l) => [...l]), asks: b.asks.map((l) => [...l]) }))).toEqual(
    expected,
  )
})
