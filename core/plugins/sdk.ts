/**
 * @module The plugin SDK: the one module a plugin imports (`virtuoso/sdk`).
 *
 * A plugin is a module whose default export is a plain object; `defineIndicator` and
 * `defineExchange` only add types. The host validates the shape at load (see the loader), so a
 * plugin written without this module works the same.
 */
import type { ExchangeAdapter } from "./exchange-adapter.ts"
import type { IndicatorResult } from "./indicator-result.ts"
import type {
  BookLevel,
  Candle,
  CandleColumns,
  Component,
  FundingRate,
  Liquidation,
  OpenInterest,
  OrderBook,
  Ticker,
  Timeframe,
  Trade,
} from "../market-schema/index.ts"
import type * as TaLibrary from "../ta/index.ts"
import type { InputsDeclaration } from "./inputs/declare.ts"
import type { TapeColumns } from "./scoring/tape.ts"

export {
  input,
  type InputDeclaration,
  type InputDeclarations,
  type InputOptions,
  type InputsDeclaration,
  type InputValues,
} from "./inputs/declare.ts"
export type {
  BookLevel,
  Candle,
  CandleColumns,
  ExchangeAdapter,
  FundingRate,
  IndicatorResult,
  Liquidation,
  OpenInterest,
  OrderBook,
  Ticker,
  Timeframe,
  Trade,
}

/** The plugin contract versions this host accepts (2 = 1 plus declared `inputs`). */
export const API_VERSIONS = [1, 2] as const
export type ApiVersion = (typeof API_VERSIONS)[number]

export { type Component, COMPONENTS, TIMEFRAME_MS, TIMEFRAMES } from "../market-schema/index.ts"
export { ExchangeConfigError } from "./exchange-config-error.ts"
export { isSecret, revealSecret, type Secret, secret } from "./secret.ts"

/** Exchange-only inputs; a field is absent when the exchange does not provide it. */
export interface MarketContext {
  readonly ticker?: Ticker
  readonly fundingRate?: FundingRate
  /** Oldest first. */
  readonly openInterest?: ReadonlyArray<OpenInterest>
  readonly longShortRatio?: number
  readonly liquidations?: ReadonlyArray<Liquidation>
}

export type ParamValue = number | string | boolean

/** What a plugin declares about a parameter; the host reads this, never the plugin's code. */
export interface ParamSpec {
  readonly type: "number" | "string" | "boolean"
  readonly default: ParamValue
  readonly description: string
  readonly min?: number
  readonly max?: number
}

/** Data beyond candles that a plugin needs; without it the plugin reports "unavailable". */
export const DATA_NEEDS = [
  "orderbook",
  "trades",
  "ticker",
  "fundingRate",
  "openInterest",
  "longShortRatio",
  "liquidations",
] as const
export type DataNeed = (typeof DATA_NEEDS)[number]

/**
 * Whether an indicator's result depends on the timeframe. `"symbol"`: it reads only the
 * symbol's order book / trades / market data (never `candles` or `timeframe`), so the host runs
 * it once per symbol and reuses the outcome for every timeframe. `"timeframe"`: once per
 * (symbol, timeframe). See `scopeOf` for the default when a plugin does not declare it.
 */
export const PLUGIN_SCOPES = ["symbol", "timeframe"] as const
export type PluginScope = (typeof PLUGIN_SCOPES)[number]

/** The two plugin kinds the host loads. */
export const PLUGIN_KINDS = ["indicator", "exchange"] as const
export type PluginKind = (typeof PLUGIN_KINDS)[number]

export interface IndicatorContext<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly candles: CandleColumns
  readonly ta: typeof TaLibrary
  readonly orderbook?: OrderBook
  /**
   * Recent trades, oldest first, as objects: made when first read (one array per state of the
   * tape). A plugin that only sums over the tape reads `tape` instead.
   */
  readonly trades?: ReadonlyArray<Trade>
  /**
   * The same trades as typed columns (price, amount, time, side and each amount split by side),
   * present whenever `trades` is: what the `scoring` tape readers take. Read-only: the host's
   * own tape (or, in a plugin worker, checked after every batch and put back when written).
   */
  readonly tape?: TapeColumns
  readonly market: MarketContext
  /** Declared defaults merged with the user's config for this plugin. */
  readonly params: P
  /**
   * Newest value of each declared input (see `IndicatorPlugin.inputs`); empty without declarations.
   * The host's object, refreshed in place for the next candle: copy what you keep past the call.
   */
  readonly inputs: Readonly<Record<string, number>>
  /** Declared histories (`history: n`), oldest first, refreshed in place like `inputs`; empty without. */
  readonly history: Readonly<Record<string, Float64Array>>
}

export interface IndicatorPlugin<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  readonly apiVersion: ApiVersion
  readonly kind: "indicator"
  /** Unique kebab-case name, e.g. "rsi-14". */
  readonly name: string
  readonly component: Component
  /** Weight within its component (default 1). */
  readonly weight?: number
  /** Closed candles it needs before it can score. */
  readonly lookback: number
  readonly description?: string
  readonly needs?: ReadonlyArray<DataNeed>
  /**
   * `"symbol"`: the result depends only on per-symbol data, so it is computed once per symbol
   * and shared by its timeframes (requires `lookback: 0`). Default: see `scopeOf`.
   */
  readonly scope?: PluginScope
  readonly params?: { readonly [K in keyof P]: ParamSpec }
  /**
   * Indicator inputs computed by the host (`input.rsi({ period: 14 })`, or a function of the
   * resolved params): incrementally, once per series for all plugins declaring the same one,
   * TA-Lib-exact over the series' whole history. Values arrive as `ctx.inputs` / `ctx.history`.
   */
  readonly inputs?: InputsDeclaration<P>
  compute(ctx: IndicatorContext<P>): IndicatorResult
}

/**
 * The scope the host uses for an indicator: the declared `scope`, else `"symbol"` for a plugin
 * that needs no candles (`lookback: 0`) and only the order book and/or trades (the book/tape
 * readers), else `"timeframe"`. A plugin matching that rule which still reads `candles` or
 * `timeframe` must declare `scope: "timeframe"`.
 */
export const scopeOf = (plugin: Pick<IndicatorPlugin, "lookback" | "needs" | "scope">): PluginScope => {
  if (plugin.scope !== undefined) return plugin.scope
  const needs = plugin.needs ?? []
  return plugin.lookback === 0 && needs.length > 0 && needs.every((n) => n === "orderbook" || n === "trades")
    ? "symbol"
    : "timeframe"
}

export interface ExchangePluginConfig {
  /** Exchange id within the plugin (e.g. ccxt's "binance"); the sim ignores it. */
  readonly id?: string
  readonly options?: Readonly<Record<string, unknown>>
  readonly urls?: Readonly<Record<string, unknown>>
  /**
   * Credentials arrive as `Secret` values (`isSecret`); unwrap them with `revealSecret` only where
   * a request is signed.
   */
  readonly apiKey?: unknown
  readonly secret?: unknown
  /**
   * The host's rate budget, for requests a plugin makes on its own rather than per adapter call
   * (ccxt's market list, loaded in pages): resolves once `cost` units (`requestCost` units) are
   * granted. The host charges adapter calls itself; absent outside the engine (e.g. `doctor`).
   */
  readonly spend?: (cost: number) => Promise<void>
  readonly [key: string]: unknown
}

export interface ExchangePlugin {
  readonly apiVersion: ApiVersion
  readonly kind: "exchange"
  readonly name: string
  readonly description?: string
  create(config: ExchangePluginConfig): ExchangeAdapter | Promise<ExchangeAdapter>
}

/** Types an indicator plugin; returns it unchanged. */
export const defineIndicator = <P extends Record<string, ParamValue> = Record<string, ParamValue>>(
  plugin: IndicatorPlugin<P>,
): IndicatorPlugin<P> => plugin

/** Types an exchange plugin; returns it unchanged. */
export const defineExchange = (plugin: ExchangePlugin): ExchangePlugin => plugin

/** Shared pure scoring math for indicator plugins (maps to 0–100, window kernels, book/tape sums). */
export * as scoring from "./scoring/index.ts"
