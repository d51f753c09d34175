/**
 * The exchange server most engine tests start: the recorded Binance markets (and Bybit's or OKX's
 * when asked) plus the extra spot pairs the ranking tests rely on, clocked at the wall time.
 */
import { type ExchangeServer, type ExchangeServerOptions, startExchangeServer } from "./exchange-server.ts"
import { EXTRA_SPOT, loadMarketsFixture } from "./fixtures.ts"

export const startFixtureExchange = async (
  options: { readonly bybit?: boolean; readonly okx?: boolean } & Partial<
    Omit<ExchangeServerOptions, "binanceMarkets" | "bybitMarkets" | "okxMarkets">
  > = {},
): Promise<ExchangeServer> => {
  const { bybit, okx, ...rest } = options
  return startExchangeServer({
    binanceMarkets: await loadMarketsFixture("binance"),
    ...(bybit ? { bybitMarkets: await loadMarketsFixture("bybit") } : {}),
    ...(okx ? { okxMarkets: await loadMarketsFixture("okx") } : {}),
    extraSpot: EXTRA_SPOT,
    now: Date.now(),
    ...rest,
  })
}
