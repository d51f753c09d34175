/**
 * ccxt.pro seeds a Binance order book with a REST snapshot it fetches from its websocket message
 * handling, on subscribe and again after a sequence gap. No call of the engine's makes that
 * request, so the plugin charges it to the host's budget itself: each snapshot its `depth` weight
 * by limit, as the local server weighs it (Binance's weight; ccxt's units are a fifth of it),
 * while an order book the engine fetches itself (already charged by the host) is not charged again.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import ccxt from "ccxt"
import { createCcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import {
  binanceSpotWeight,
  type ExchangeServer,
  loadMarketsFixture,
  startExchangeServer,
} from "../../../support/exchange-server/index.ts"

let server: ExchangeServer

beforeAll(async () => {
  server = startExchangeServer({ binanceMarkets: await loadMarketsFixture("binance") })
})

afterAll(() => server.stop())

/** Binance weighs in units of 0.2 of ccxt's (`weights.ts`). */
const BINANCE_WEIGHT_PER_CCXT_UNIT = 5

const depthWeights = (from: number) =>
  server.requests
    .slice(from)
    .filter((r) => r.path === "/api/v3/depth")
    .map((r) => binanceSpotWeight(r.path, new URLSearchParams(r.query)))

test("binance: each snapshot ccxt.pro fetches itself is charged its depth weight, engine calls once", async () => {
  const spent: Array<number> = []
  const spend = async (cost: number) => {
    spent.push(cost * BINANCE_WEIGHT_PER_CCXT_UNIT)
  }
  const a = createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false, spend })
  try {
    await a.loadSymbols()
    expect(spent).toHaveLength(3) // the market list: spot, USDⓈ-M and COIN-M exchangeInfo
    spent.length = 0

    // The engine's own book request: the host charges it, the plugin does not.
    await a.fetchOrderBook("BTC/USDT", 500)
    expect(spent).toEqual([])

    const from = server.requests.length
    // 200 levels are watched over a 500-level snapshot (twice the levels, `depth.ts`): weight 25.
    const watch = () => {
      const next = a.watchOrderBook!("BTC/USDT", 200)
      server.advance(100)
      return next
    }
    const first = a.watchOrderBook!("BTC/USDT", 200)
    await server.waitFor(
      () => [...server.activeStreams()].some((s) => s.startsWith("btcusdt@depth")),
      10_000,
      "book subscribed",
    )
    server.advance(100)
    await first
    server.faults.depthGap("BTCUSDT")
    let error: unknown
    for (let i = 0; i < 5 && error === undefined; i++)
      error = await watch().then(
        () => undefined,
        (e) => e,
      )
    expect(error).toBeInstanceOf(ccxt.InvalidNonce)
    // The resync's snapshot arrives in the background: watch until it has been asked for.
    for (let i = 0; i < 10 && depthWeights(from).length < 2; i++) await watch()
    await watch()

    const snapshots = depthWeights(from)
    expect(snapshots).toEqual([25, 25]) // subscribe, then the resync after the gap
    expect(spent).toEqual(snapshots)
  } finally {
    await a.close()
  }
})
