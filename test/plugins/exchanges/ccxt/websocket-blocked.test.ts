/**
 * The engine on ccxt with the websocket port closed, on Binance, Bybit and OKX: REST covers every
 * stream from the first refused connection, `/health` says "degraded" with the cause while data
 * stays current (never "unhealthy"), one info line says why, and once the port opens the
 * websockets take over with one info line (`websocket-blocked-scenario.ts`).
 */
import { afterAll, beforeAll, test } from "bun:test"
import { startFixtureExchange, type ExchangeServer } from "../../../support/exchange-server/index.ts"
import { VENUES, websocketBlockedScenario } from "./websocket-blocked-scenario.ts"

let server: ExchangeServer
beforeAll(async () => {
  server = await startFixtureExchange({ bybit: true, okx: true, autoTickMs: 100 })
})
afterAll(() => server.stop())

for (const venue of Object.values(VENUES)) {
  test(
    `${venue.id}: websocket port closed → REST covers at once, /health degraded with the cause; ` +
      "port opens → websockets take over",
    () => websocketBlockedScenario(server, venue),
    120_000,
  )
}
