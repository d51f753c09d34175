/**
 * Bybit as it really talks, through the plugin: the local server replays ccxt's recorded Bybit v5
 * sessions (`test/fixtures/ccxt-ws/bybit.json`, MIT, see its README) on the spot and linear
 * sockets, and what the plugin hands the engine must equal ccxt's recorded parse — klines (one
 * recorded before its subscribe ack), spot and linear trades, and a 50-level linear book with its
 * first delta, which also passes the plugin's own `u` sequence check.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import type { Candle } from "virtuoso/sdk"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../../support/exchange-server/index.ts"
import { type RecordedCase, recordedCase, recordedWs, replayed } from "../../../support/exchange-server/recorded.ts"

let server: ExchangeServer
const bybit = await recordedWs("bybit")

beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: {}, bybitMarkets: await loadMarketsFixture("bybit") })
})
afterAll(() => server.stop())

/**
 * Spot and linear sockets name their topics alike ("kline.1.BTCUSDT"), so each case gets its own
 * adapter, closed (and its sockets gone from the server) before the next case replays.
 */
const withAdapter = async (run: (adapter: CcxtAdapter) => Promise<void>) => {
  const adapter = createCcxtAdapter({ id: "bybit", urls: server.bybitUrls(), enableRateLimit: false })
  try {
    await adapter.loadSymbols()
    await run(adapter)
  } finally {
    await adapter.close()
    await server.waitFor(() => server.activeStreams().size === 0, 10_000, "bybit sockets closed")
  }
}

const bybitTopic = (c: RecordedCase) => (c.sentMessages[0] as { args: Array<string> }).args[0]!

const candleRows = (candles: ReadonlyArray<Candle>) =>
  candles.map((k) => [k.time, k.open, k.high, k.low, k.close, k.volume])

for (const description of ["linear swap ohlcv 1m", "spot ohlcv 1m"]) {
  test(`bybit klines (${description}): what the engine gets equals ccxt's recorded parse`, () =>
    withAdapter(async (adapter) => {
      const c = recordedCase(bybit, "watchOHLCV", description)
      const got = await replayed(server, c, bybitTopic(c), () => adapter.watchOHLCV!(c.input[0] as string, "1m"))
      expect(got.map(candleRows)).toEqual(c.parsedResponses as Array<Array<Array<number>>>)
    }))
}

for (const description of ["linear swap trades", "spot trades"]) {
  test(`bybit trades (${description}): ids, times, prices, sizes and sides as ccxt parsed them`, () =>
    withAdapter(async (adapter) => {
      const c = recordedCase(bybit, "watchTrades", description)
      const got = await replayed(server, c, bybitTopic(c), () => adapter.watchTrades!(c.input[0] as string))
      const expected = (c.parsedResponses as Array<Array<Record<string, unknown>>>).map((trades) =>
        trades.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side]),
      )
      const parsed = got.map((trades) => trades.map((t): Array<unknown> => [t.id, t.time, t.price, t.amount, t.side]))
      expect(parsed).toEqual(expected)
    }))
}

test("bybit linear order book: the 50-level snapshot and its delta as ccxt parsed them", () =>
  withAdapter(async (adapter) => {
    const c = recordedCase(bybit, "watchOrderBook", "linear swap orderbook")
    const got = await replayed(server, c, bybitTopic(c), () => adapter.watchOrderBook!(c.input[0] as string, 50))
    const expected = (
      c.parsedResponses as Array<{ bids: Array<Array<number>>; asks: Array<Array<number>>; timestamp: number }>
    ).map((b) => ({ time: b.timestamp, bids: b.bids, asks: b.asks }))
    expect(
      got.map((b) => ({ time: b.time, bids: b.bids.map((l) => [...l]), asks: b.asks.map((l) => [...l]) })),
    ).toEqual(expected)
    // the recorded `u` runs on by one: no sequence gap was seen
    expect(adapter.stats!().sequenceGaps).toBe(0)
  }))
