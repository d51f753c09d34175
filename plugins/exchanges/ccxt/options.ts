/**
 * @module The ccxt plugin's settings: what `exchange: { plugin: "ccxt", ... }` may hold, with defaults.
 */
import {
  ExchangeConfigError,
  type ExchangePluginConfig,
  isSecret,
  type Secret,
  secret as wrapSecret,
} from "virtuoso/sdk"

/** Per-operation timeouts in ms: generous for OHLCV pages and market lists, tight for the book and tickers. */
export interface CcxtTimeouts {
  readonly ticker: number
  readonly orderBook: number
  readonly trades: number
  readonly ohlcv: number
  readonly markets: number
}

export const DEFAULT_TIMEOUTS: CcxtTimeouts = {
  ticker: 10_000,
  orderBook: 15_000,
  trades: 15_000,
  ohlcv: 30_000,
  markets: 20_000,
}

export interface CcxtSettings {
  /** ccxt exchange id, e.g. "binance", "bybit", "okx". */
  readonly id: string
  /** Merged into ccxt's `options` (e.g. `{ defaultType: "swap" }`). */
  readonly options: Record<string, unknown>
  /** Deep-merged over ccxt's `urls` (proxies, testnets, the local test server). */
  readonly urls: Record<string, unknown> | undefined
  readonly apiKey: Secret | undefined
  readonly secret: Secret | undefined
  readonly password: Secret | undefined
  /** ccxt's own request throttle; on unless a test turns it off. */
  readonly enableRateLimit: boolean
  /** ms between requests for ccxt's throttle; undefined = the exchange's documented limit. */
  readonly rateLimit: number | undefined
  readonly timeouts: CcxtTimeouts
  /** Which markets `loadSymbols`/`fetchTickers` cover: "spot" (default) or "swap" (linear perpetuals). */
  readonly marketType: "spot" | "swap"
  /** Use ccxt.pro websockets when the exchange has them (default true). */
  readonly websocket: boolean
  /** Pre-loaded ccxt markets (skips the exchange-info request; ccxt's own offline-test trick). */
  readonly markets: Record<string, unknown> | undefined
}

export class CcxtConfigError extends ExchangeConfigError {
  override readonly name = "CcxtConfigError"
}

const secret = (key: string, value: unknown): Secret | undefined => {
  if (value === undefined || value === null || value === "") return undefined
  if (isSecret(value)) return value
  if (typeof value === "string") return wrapSecret(value)
  throw new CcxtConfigError(key, "must be a string or a secret string")
}

const record = (key: string, value: unknown): Record<string, unknown> | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CcxtConfigError(key, "must be an object")
  return value as Record<string, unknown>
}

const positive = (key: string, value: unknown, fallback: number): number => {
  if (value === undefined) return fallback
  if (typeof value !== "number" || !(value > 0))
    throw new CcxtConfigError(key, "must be a positive number of milliseconds")
  return value
}

export const parseSettings = (config: ExchangePluginConfig, knownIds: ReadonlyArray<string>): CcxtSettings => {
  const id = config.id ?? "binance"
  if (typeof id !== "string" || !knownIds.includes(id)) {
    throw new CcxtConfigError(
      "id",
      `unknown ccxt exchange id ${JSON.stringify(id)} (ccxt knows ${knownIds.length}, e.g. binance, bybit, okx)`,
    )
  }
  const t = record("timeouts", config.timeouts) ?? {}
  const marketType = config.marketType ?? "spot"
  if (marketType !== "spot" && marketType !== "swap")
    throw new CcxtConfigError("marketType", 'must be "spot" or "swap"')
  return {
    id,
    options: { ...(record("options", config.options) ?? {}) },
    urls: record("urls", config.urls),
    apiKey: secret("apiKey", config.apiKey),
    secret: secret("secret", config.secret),
    password: secret("password", config.password),
    enableRateLimit: config.enableRateLimit === undefined ? true : config.enableRateLimit === true,
    rateLimit: config.rateLimit === undefined ? undefined : positive("rateLimit", config.rateLimit, 0),
    timeouts: {
      ticker: positive("timeouts.ticker", t.ticker, DEFAULT_TIMEOUTS.ticker),
      orderBook: positive("timeouts.orderBook", t.orderBook, DEFAULT_TIMEOUTS.orderBook),
      trades: positive("timeouts.trades", t.trades, DEFAULT_TIMEOUTS.trades),
      ohlcv: positive("timeouts.ohlcv", t.ohlcv, DEFAULT_TIMEOUTS.ohlcv),
      markets: positive("timeouts.markets", t.markets, DEFAULT_TIMEOUTS.markets),
    },
    marketType,
    websocket: config.websocket !== false,
    markets: record("markets", config.markets),
  }
}
