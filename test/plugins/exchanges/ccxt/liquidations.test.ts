/**
 * Public liquidation streams through ccxt.pro against the local exchange server, one per exchange:
 * Binance `<id>@forceOrder` (USDⓈ-M socket), Bybit `allLiquidation.<ID>` (linear socket; its side
 * names the liquidated position) and OKX `liquidation-orders` (per instrument type; sizes in
 * contracts). A spot symbol streams its perpetual's liquidations; sides come out as the position
 * that was liquidated, whichever convention the exchange uses.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import type { Liquidation } from "../../../../core/market-schema/index.ts"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { loadMarketsFixture, startExchangeServer, type ExchangeServer } from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
const adapters: Array<CcxtAdapter> = []

beforeAll(async () => {
  server = startExchangeServer({
    binanceMarkets: await loadMarketsFixture("binance"),
    bybitMarkets: await loadMarketsFixture("bybit"),
    okxMarkets: await loadMarketsFixture("okx"),
  })
})

afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()))
  await server.stop()
})

const cases = [
  { id: "binance", urls: () => server.binanceUrls(), topic: "btcusdt@forceOrder" },
  { id: "bybit", urls: () => server.bybitUrls(), topic: "allLiquidation.BTCUSDT" },
  { id: "okx", urls: () => server.okxUrls(), topic: "liquidation-orders:SWAP" },
] as const

for (const c of cases) {
  test(`${c.id}: BTC/USDT streams its perpetual's liquidations, side = the liquidated position`, async () => {
    const a = createCcxtAdapter({ id: c.id, urls: c.urls(), enableRateLimit: false })
    adapters.push(a)
    await a.loadSymbols()
    expect(a.has.watchLiquidations).toBe(true)
    const got: Array<Liquidation> = []
    const first = a.watchLiquidations!("BTC/USDT")
    await server.waitFor(() => server.activeStreams().has(c.topic), 10_000, c.topic)
    const logged = server.market.liquidationLog.length
    server.advance(1_000)
    got.push(...(await first))
    const second = a.watchLiquidations!("BTC/USDT")
    server.advance(1_000)
    got.push(...(await second))
    const sent = server.market.liquidationLog.slice(logged).filter((l) => l.id === "BTCUSDT")
    expect(got.length).toBeGreaterThanOrEqual(2)
    const expected = sent.slice(0, got.length).map((l) => ({
      time: l.time,
      price: l.price,
      amount: l.amount,
      side: l.side === "sell" ? ("long" as const) : ("short" as const),
    }))
    expect(got.map((l) => ({ ...l, amount: Number(l.amount.toFixed(6)) }))).toEqual(expected)
    await a.unWatchStream!("BTC/USDT", "liquidations")
    await a.close() // the next exchange's frames must be the only ones generated
  })
}

test("a spot symbol without a perpetual has no liquidation stream: the watch fails naming it", async () => {
  const a = createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false })
  adapters.push(a)
  await a.loadSymbols()
  const e: any = await a.watchLiquidations!("ETH/BTC").catch((x) => x)
  expect(e?.constructor?.name).toBe("BadSymbol")
  expect(String(e.message)).toContain("no perpetual")
})
