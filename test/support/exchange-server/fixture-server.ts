/**
 * The exchange server most engine tests start: the recorded Binance markets (and Bybit's when
 * asked) plus the extra spot pairs the ranking tests rely on, clocked at the wall time.
 */
import { type ExchangeServer, type ExchangeServerOptions, startExchangeServer } from "./exchange-server.ts"
import { EXTRA_SPOT, loadMarketsFixture } from "./fixtures.ts"

export const startFixtureExchange = async (
  options: { readonly bybit?: boolean } & Partial<Omit<ExchangeServerOptions, "binanceMarkets" | "bybitMarkets">> = {},
): Promise<ExchangeServer> => {
  const { bybit, ...rest } = options
  return startExchangeServer({
    binanceMarkets: await loadMarketsFixture("binance"),
    ...(bybit ? { bybitMarkets: await loadMarketsFixture("bybit") } : {}),
    extraSpot: EXTRA_SPOT,
    now: Date.now(),
    ...rest,
  })
}
