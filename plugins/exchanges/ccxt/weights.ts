/**
 * @module Request weights from ccxt's own endpoint definitions, so the host's rate budget charges
 * each call what the exchange counts (Binance: `ticker/24hr` without a symbol weighs 40× one with
 * it, `depth` by limit; Bybit and OKX per endpoint). Units are ccxt's cost units, in which the
 * exchange's limit is `1000 / rateLimit` per second (Binance spot: 20/s = 1,200/min = its 6,000
 * weight/min, since ccxt stores Binance weights × 0.2).
 *
 * The table only says which REST endpoint each unified method of ours calls; the cost itself is
 * ccxt's (`calculateRateLimiterCost` over `exchange.api`). Exchanges or methods not listed cost 1.
 */

/** What a call's cost depends on. */
export interface CostArgs {
  readonly limit?: number | undefined
  /** fetchTickers without a symbol list (every market). */
  readonly allSymbols?: boolean | undefined
}

type Endpoint = readonly [api: string, path: string, params: (a: CostArgs) => Record<string, unknown>]

const symbol = { symbol: "X" }
const limited = (a: CostArgs) => (a.limit === undefined ? symbol : { ...symbol, limit: a.limit })

/** Our unified calls → the endpoint ccxt requests, per exchange (spot markets; derivatives where noted). */
export const ENDPOINTS: Readonly<Record<string, Readonly<Record<string, Endpoint>>>> = {
  binance: {
    fetchOHLCV: ["public", "klines", limited],
    fetchOrderBook: ["public", "depth", limited],
    fetchTrades: ["public", "aggTrades", limited],
    fetchTicker: ["public", "ticker/24hr", () => symbol],
    fetchTickers: ["public", "ticker/24hr", (a) => (a.allSymbols ? {} : { symbols: "[]" })],
    fetchTime: ["public", "time", () => ({})],
    loadMarkets: ["public", "exchangeInfo", () => ({})],
    fetchFundingRate: ["fapiPublic", "premiumIndex", () => symbol],
    fetchOpenInterest: ["fapiPublic", "openInterest", () => symbol],
    fetchLongShortRatio: ["fapiData", "globalLongShortAccountRatio", () => symbol],
  },
  bybit: {
    fetchOHLCV: ["public", "v5/market/kline", limited],
    fetchOrderBook: ["public", "v5/market/orderbook", limited],
    fetchTrades: ["public", "v5/market/recent-trade", limited],
    fetchTicker: ["public", "v5/market/tickers", () => symbol],
    fetchTickers: ["public", "v5/market/tickers", () => ({})],
    fetchTime: ["public", "v5/market/time", () => ({})],
    fetchFundingRate: ["public", "v5/market/tickers", () => symbol],
    fetchOpenInterest: ["public", "v5/market/open-interest", () => symbol],
    fetchLongShortRatio: ["public", "v5/market/account-ratio", () => symbol],
  },
  okx: {
    fetchOHLCV: ["public", "market/candles", limited],
    fetchOrderBook: ["public", "market/books", limited],
    fetchTrades: ["public", "market/trades", limited],
    fetchTicker: ["public", "market/ticker", () => symbol],
    fetchTickers: ["public", "market/tickers", () => ({})],
    fetchTime: ["public", "public/time", () => ({})],
    fetchFundingRate: ["public", "public/funding-rate", () => symbol],
    fetchOpenInterest: ["public", "public/open-interest", () => symbol],
    fetchLongShortRatio: ["public", "rubik/stat/contracts/long-short-account-ratio-contract", () => symbol],
  },
}

interface CostModel {
  readonly id: string
  readonly rateLimit: number | undefined
  readonly api: Record<string, any>
  calculateRateLimiterCost(
    api: string,
    method: string,
    path: string,
    params: Record<string, unknown>,
    config: unknown,
  ): number
}

/** The cost of one call of `operation`, by ccxt's definition of the endpoint it requests. */
export const requestCost = (ex: CostModel, operation: string, args: CostArgs = {}): number => {
  const endpoint = ENDPOINTS[ex.id]?.[operation]
  if (endpoint === undefined) return 1
  const [api, path, params] = endpoint
  const config = ex.api?.[api]?.get?.[path]
  if (config === undefined) return 1
  const cost = Number(
    ex.calculateRateLimiterCost(api, "GET", path, params(args), typeof config === "number" ? { cost: config } : config),
  )
  return Number.isFinite(cost) && cost > 0 ? cost : 1
}

/**
 * Exchanges whose limits are counted over windows longer than one second, ms (OKX: per endpoint
 * per 2 s; ccxt weighs OKX's endpoints so that `1000 / rateLimit` units per second keeps each under
 * its count). Binance counts weight per minute, Bybit 600 requests per 5 s, far above what ccxt's
 * units allow it; a one-second burst fits both.
 */
const LIMIT_WINDOW_MS: Readonly<Record<string, number>> = { okx: 2_000 }

/**
 * The host's default budget in the same units: 90 % of the exchange's limit per second, and a
 * burst of one second's worth — at most 0.9 × 60 + 1 = 55 s worth of the limit in any minute. An
 * exchange counting over a window of W s allows W s worth in it, of which the steady rate spends
 * 90 %: its burst is the 10 % left (OKX: 1 unit, two candle requests), so no window overshoots.
 */
export const defaultBudget = (ex: CostModel): { readonly capacity: number; readonly perSecond: number } => {
  // ccxt's default spacing (ms per cost unit) when an exchange class sets none.
  const perSecond = 1000 / (ex.rateLimit !== undefined && ex.rateLimit > 0 ? ex.rateLimit : 2000)
  const windowMs = LIMIT_WINDOW_MS[ex.id]
  const burst = windowMs === undefined ? perSecond : Math.min(perSecond, 0.1 * perSecond * (windowMs / 1000))
  return { capacity: Math.max(1, Math.floor(burst)), perSecond: 0.9 * perSecond }
}
