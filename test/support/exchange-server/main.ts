/**
 * @module Runs the local exchange server as a process, for end-to-end runs of the engine on ccxt:
 *
 *   bun test/support/exchange-server/main.ts --port 18090
 *   VIRTUOSO_EXCHANGE=binance VIRTUOSO_EXCHANGE_URLS="$(cat /tmp/urls.json)" bun core/main.ts
 *
 * The clock follows wall time (auto-tick every 250 ms: candles, book diffs and trades flow on
 * the websocket). It prints the ccxt `urls` override as one JSON line on stdout.
 */
import { startExchangeServer } from "./exchange-server.ts"
import { EXTRA_SPOT, loadMarketsFixture } from "./fixtures.ts"

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

const server = startExchangeServer({
  binanceMarkets: await loadMarketsFixture("binance"),
  bybitMarkets: await loadMarketsFixture("bybit"),
  extraSpot: EXTRA_SPOT,
  autoTickMs: Number(arg("tick") ?? 250),
  port: Number(arg("port") ?? 0),
})
process.stdout.write(JSON.stringify(server.binanceUrls()) + "\n")
const stop = () => void server.stop().then(() => process.exit(0))
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
