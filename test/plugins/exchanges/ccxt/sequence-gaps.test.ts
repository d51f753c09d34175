/**
 * A lost order book update forces a resync on every exchange, against the local server's
 * `depthGap` fault: Binance (`U`/`u`: ccxt re-fetches the REST snapshot), OKX (`prevSeqId`: ccxt
 * drops the book, the next watch subscribes again for a snapshot) and Bybit, where ccxt 4.5.84
 * applies deltas without checking `u` (shown below) and the plugin's sequence check does it.
 * After the resync the book equals the server's again.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import ccxt from "ccxt"
import type { OrderBook } from "../../../../core/market-schema/index.ts"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
const closers: Array<() => Promise<unknown>> = []

beforeAll(async () => {
  server = startExchangeServer({
    binanceMarkets: await loadMarketsFixture("binance"),
    bybitMarkets: await loadMarketsFixture("bybit"),
    okxMarkets: await loadMarketsFixture("okx"),
  })
})

afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
  await server.stop()
})

const adapter = (id: string, urls: unknown): CcxtAdapter => {
  const a = createCcxtAdapter({ id, urls: urls as Record<string, unknown>, enableRateLimit: false })
  closers.push(() => a.close())
  return a
}

/** The server's own book, top `n` levels per side, as the client should hold it. */
const truth = (key: string, n: number) => {
  const b = server.market.book(key)
  return { bids: b.bids.slice(0, n), asks: b.asks.slice(0, n) }
}
const top = (
  book: { bids: ReadonlyArray<readonly [number, number]>; asks: ReadonlyArray<readonly [number, number]> },
  n: number,
) => ({
  bids: book.bids.slice(0, n).map(([p, a]) => [p, a]),
  asks: book.asks.slice(0, n).map(([p, a]) => [p, a]),
})

/**
 * Streams a book, loses one update, and watches on: ccxt.pro coalesces messages between calls,
 * so the rejection surfaces on the first call after the lost update arrives. Then watches until
 * the book has caught up with the server again (a fresh snapshot, then updates).
 */
const afterGap = async (a: CcxtAdapter, symbol: string, key: string, gapKey: string, subscribed: () => boolean) => {
  const watch = async () => {
    const next = a.watchOrderBook!(symbol, 50)
    server.advance(100)
    return next
  }
  const first = a.watchOrderBook!(symbol, 50)
  await server.waitFor(subscribed, 10_000, `${symbol} book subscribed`)
  server.advance(100)
  await first
  server.faults.depthGap(gapKey)
  let error: any
  for (let i = 0; i < 5 && error === undefined; i++)
    error = await watch().then(
      () => undefined,
      (e) => e,
    )
  let book: OrderBook = await watch()
  for (let i = 0; i < 10 && JSON.stringify(top(book, 20)) !== JSON.stringify(truth(key, 20)); i++) book = await watch()
  return { error, book }
}

test("binance: a gap in U/u rejects the book; a fresh REST snapshot rebuilds it", async () => {
  const a = adapter("binance", server.binanceUrls())
  await a.loadSymbols()
  const snapshots = server.count("/api/v3/depth")
  const { error, book } = await afterGap(a, "BTC/USDT", "BTCUSDT", "BTCUSDT", () =>
    [...server.activeStreams()].some((s) => s.startsWith("btcusdt@depth")),
  )
  expect(error).toBeInstanceOf(ccxt.InvalidNonce)
  expect(server.count("/api/v3/depth")).toBeGreaterThan(snapshots + 1)
  expect(top(book, 20)).toEqual(truth("BTCUSDT", 20))
  await a.close()
})

test("okx: prevSeqId ≠ the last seqId rejects the book; resubscribing brings a snapshot", async () => {
  const a = adapter("okx", server.okxUrls())
  await a.loadSymbols()
  const subscribes = server.subscribeLog.filter((t) => t === "books:ETH-USDT").length
  const { error, book } = await afterGap(a, "ETH/USDT", "ETHUSDT", "ETH-USDT", () =>
    server.activeStreams().has("books:ETH-USDT"),
  )
  expect(error).toBeInstanceOf(ccxt.InvalidNonce)
  expect(server.subscribeLog.filter((t) => t === "books:ETH-USDT").length).toBe(subscribes + 2) // first + resync
  expect(top(book, 20)).toEqual(truth("ETHUSDT", 20))
  await a.close()
})

test("bybit: ccxt alone applies deltas after a lost message and serves a wrong book", async () => {
  const ex = new (ccxt as any).pro.bybit({ urls: server.bybitUrls(), enableRateLimit: false })
  closers.push(() => ex.close())
  await ex.loadMarkets()
  await ex.loadHttpProxyAgent()
  const first = ex.watchOrderBook("XRP/USDT", 50)
  await server.waitFor(() => server.activeStreams().has("orderbook.50.XRPUSDT"), 10_000, "bybit book")
  await first
  server.faults.depthGap("XRPUSDT")
  let book: any
  for (let i = 0; i < 3; i++) {
    const next = ex.watchOrderBook("XRP/USDT", 50)
    server.advance(100)
    book = await next // never an error: the gap goes unnoticed
  }
  expect(book.nonce ?? null).toBeNull() // ccxt does not even keep `u`
  expect(top(book, 50)).not.toEqual(truth("XRPUSDT", 50))
  await ex.close()
})

test("bybit: the plugin's sequence check rejects the book and resubscribes for a snapshot", async () => {
  const a = adapter("bybit", server.bybitUrls())
  await a.loadSymbols()
  const { error, book } = await afterGap(a, "LTC/USDT", "LTCUSDT", "LTCUSDT", () =>
    server.activeStreams().has("orderbook.50.LTCUSDT"),
  )
  expect(error).toBeInstanceOf(ccxt.InvalidNonce)
  expect(String(error.message)).toMatch(/orderbook\.50\.LTCUSDT: update \d+ after \d+/)
  expect(server.unsubscribeLog).toContain("orderbook.50.LTCUSDT")
  expect(a.stats!().sequenceGaps).toBe(1)
  expect(top(book, 20)).toEqual(truth("LTCUSDT", 20))
  await a.close()
})
