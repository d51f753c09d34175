/**
 * The whole engine on Binance, Bybit and OKX through ccxt.pro against the local server: every
 * component each exchange can feed gets a score, candles, books and trades stream over its
 * websocket protocol, and liquidations reach `market.derivatives` (`engine-scenario.ts`).
 */
import { afterAll, beforeAll, test } from "bun:test"
import { startFixtureExchange, type ExchangeServer } from "../../../support/exchange-server/index.ts"
import { ENGINE_VENUES, engineOverWebsockets } from "./engine-scenario.ts"

let server: ExchangeServer
beforeAll(async () => {
  server = await startFixtureExchange({ bybit: true, okx: true, autoTickMs: 100 })
})
afterAll(() => server.stop())

for (const venue of ENGINE_VENUES) {
  test(
    `${venue.id} over websockets: candles, book and trades streamed, every component scored, liquidations`,
    () => engineOverWebsockets(server, venue),
    60_000,
  )
}
