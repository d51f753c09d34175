/**
 * @module The ccxt-backed ExchangeAdapter: one ccxt (or ccxt.pro) instance per configured
 * exchange id, shared by every symbol, so ccxt's throttle is the exchange's one rate budget.
 *
 * - Markets load once (memoised; a failed load is retried on the next call) and are cached by ccxt.
 * - Every REST call gets its operation's timeout and fails with ccxt's own `RequestTimeout`.
 * - Errors stay ccxt's classes (callers classify them); 429/418 carry `retryAfterMs` (see rest-hook).
 * - `watch*` follow ccxt.pro semantics: a dropped socket rejects the pending call with a
 *   `NetworkError`, and the next call reconnects. Supervision lives in `core/market/streams`.
 */
import ccxt, { type LongShortRatio, type Market } from "ccxt"
import { type ExchangeAdapter, type ExchangePluginConfig, revealSecret, TIMEFRAME_MS } from "virtuoso/sdk"
import { toCandles, toFundingRate, toLiquidations, toOpenInterest, toOrderBook, toTicker, toTrades } from "./convert.ts"
import { fetchCandlePages, ohlcvPageSize } from "./ohlcv-pages.ts"
import { parseSettings, type CcxtSettings } from "./options.ts"
import { chargeOwnRequests } from "./own-requests.ts"
import { installRestHook } from "./rest-hook.ts"
import { defaultBudget, requestCost } from "./weights.ts"
import { installWsHook, type WsCounters } from "./ws-hook.ts"
import { installSequenceCheck, needsSequenceCheck, type SequenceCounters } from "./sequence-check.ts"
import { ccxtWatchers } from "./watchers.ts"

// Each exchange class adds its own methods (fetchLongShortRatioHistory, watchLiquidations, ...) that
// the base class's type does not list, and the hooks below patch ccxt internals: the instance is open.
// biome-ignore lint/suspicious/noExplicitAny: ccxt's per-exchange surface has no common static type
type AnyExchange = InstanceType<typeof ccxt.Exchange> & Record<string, any>
type ExchangeClass = new (config: Record<string, unknown>) => AnyExchange

/** ccxt's class tables, indexed by the configured id (checked against `ccxt.exchanges` by parseSettings). */
const classIn = (table: object, id: string): unknown => (table as Record<string, unknown>)[id]

const constructorFor = (settings: CcxtSettings): ExchangeClass => {
  const pro = classIn(ccxt.pro, settings.id)
  if (settings.websocket && typeof pro === "function") return pro as ExchangeClass
  return classIn(ccxt, settings.id) as ExchangeClass
}

/** Builds the ccxt constructor config. The only place credentials are unwrapped. */
const ccxtConfig = (s: CcxtSettings): Record<string, unknown> => {
  const c: Record<string, unknown> = {
    enableRateLimit: s.enableRateLimit,
    // ccxt's own abort is a backstop; the per-operation timers below fire first.
    timeout: Math.max(...Object.values(s.timeouts)) + 1_000,
    options: withWsBackoffOff(s.options),
    newUpdates: true,
  }
  if (s.rateLimit !== undefined) c.rateLimit = s.rateLimit
  if (s.urls !== undefined) c.urls = s.urls
  if (s.markets !== undefined) c.markets = s.markets
  if (s.apiKey) c.apiKey = revealSecret(s.apiKey)
  if (s.secret) c.secret = revealSecret(s.secret)
  if (s.password) c.password = revealSecret(s.password)
  return c
}

/**
 * ccxt ≥ 4.5.8x delays websocket re-dials itself (1 s base, doubling, real time). Reconnect timing
 * belongs to the StreamSupervisor's Schedule (testable, shared policy), so the plugin turns ccxt's
 * off unless the user configured `options.ws.backoff`.
 */
const withWsBackoffOff = (options: Record<string, unknown>): Record<string, unknown> => {
  const ws = (options.ws ?? {}) as Record<string, unknown>
  if (ws.backoff !== undefined) return options
  return { ...options, ws: { ...ws, backoff: { base: 0, max: 0 } } }
}

/**
 * With `since`, ask only for the candles that can exist (up to now, plus slack for clock skew):
 * exchanges price klines by the requested `limit` (Binance: 1000 costs 5-10× what 100 does), and
 * an incremental poll asking for `depth + 1` every few seconds would burn the budget for nothing.
 */
const requestLimit = (
  timeframe: string,
  since: number | undefined,
  limit: number | undefined,
  now: number,
): number | undefined => {
  const step = (TIMEFRAME_MS as Readonly<Record<string, number>>)[timeframe]
  if (since === undefined || limit === undefined || step === undefined) return limit
  return Math.max(1, Math.min(limit, Math.ceil((now - since) / step) + 2))
}

const usesPlainWs = (urls: unknown): boolean => JSON.stringify(urls ?? {}).includes('"ws://')

export interface CcxtAdapter extends ExchangeAdapter {
  /** The underlying ccxt instance, for diagnostics and tests (not part of the plugin contract). */
  readonly exchange: AnyExchange
  readonly settings: CcxtSettings
}

export const createCcxtAdapter = (config: ExchangePluginConfig): CcxtAdapter => {
  const settings = parseSettings(config, ccxt.exchanges)
  const Ctor = constructorFor(settings)
  const ex = new Ctor(ccxtConfig(settings))
  installRestHook(ex, ccxt.BadResponse)
  const isPro = typeof ex.watchOHLCV === "function" && ex.has?.watchOHLCV === true
  const counters: WsCounters & SequenceCounters = { malformedFrames: 0, handlerErrors: 0, sequenceGaps: 0 }
  if (isPro) installWsHook(ex as unknown as Parameters<typeof installWsHook>[0], counters)
  if (isPro && needsSequenceCheck(settings.id))
    installSequenceCheck(ex as unknown as Parameters<typeof installSequenceCheck>[0], ccxt.InvalidNonce, counters)
  const { timeouts } = settings
  // The host passes its clock (`config.now`) so timestamps for data without one follow it.
  const now: () => number = typeof config.now === "function" ? (config.now as () => number) : () => ex.milliseconds()

  /** Binance reports the weight its IP used this minute on every REST reply (ccxt capitalises the name). */
  let usedWeight1m: number | undefined
  const noteUsedWeight = () => {
    const headers = (ex.last_response_headers ?? {}) as Record<string, unknown>
    const key = Object.keys(headers).find((k) => k.toLowerCase() === "x-mbx-used-weight-1m")
    const used = key === undefined ? Number.NaN : Number(headers[key])
    if (Number.isFinite(used)) usedWeight1m = used
  }

  // Requests ccxt makes on its own (the market list's pages, Binance's order book snapshots) spend
  // from the host's budget; the engine's calls, which the host has charged, do not spend again.
  const own = chargeOwnRequests(ex as unknown as Parameters<typeof chargeOwnRequests>[0], config.spend)
  const withTimeout = <A>(op: string, ms: number, run: () => Promise<A>): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ccxt.RequestTimeout(`${ex.id} ${op} timed out after ${ms} ms`)), ms)
      own.paid(run).then(
        (a) => {
          clearTimeout(timer)
          noteUsedWeight()
          resolve(a)
        },
        (e) => {
          clearTimeout(timer)
          reject(e)
        },
      )
    })

  // The market list's pages are charged one by one, whichever call needed them first.
  let marketsLoading: Promise<Record<string, Market>> | undefined
  const markets = (): Promise<Record<string, Market>> => {
    marketsLoading ??= withTimeout("loadMarkets", timeouts.markets, () => own.charged(() => ex.loadMarkets())).catch(
      (e) => {
        marketsLoading = undefined
        throw e
      },
    )
    return marketsLoading
  }

  let wsReady: Promise<void> | undefined
  const ws = async () => {
    await markets()
    // ccxt refuses plain ws:// under Node/Bun until its proxy agent module is loaded.
    if (usesPlainWs(settings.urls)) wsReady ??= ex.loadHttpProxyAgent().then(() => undefined)
    await wsReady
  }

  /** Perpetual that carries a spot symbol's derivatives data ("BTC/USDT" → "BTC/USDT:USDT"). */
  const derivative = async (symbol: string): Promise<string> => {
    const m = await markets()
    const market = m[symbol]
    if (market?.contract) return symbol
    const perp = market ? `${market.base}/${market.quote}:${market.quote}` : `${symbol}:${symbol.split("/")[1]}`
    if (m[perp]?.swap) return perp
    throw new ccxt.BadSymbol(`${ex.id} has no perpetual for ${symbol}, so no funding/open-interest data`)
  }

  // Cached once markets are in (`has` is read per call by MarketData; real Binance lists ~3k markets).
  let swapsKnown: boolean | undefined
  const hasSwaps = () => {
    if (swapsKnown !== undefined) return swapsKnown
    const m = (ex.markets ?? settings.markets) as Record<string, Market> | undefined
    // before markets load: what ccxt says the exchange offers at all
    if (!m || Object.keys(m).length === 0) return ex.has?.swap === true
    return (swapsKnown = Object.values(m).some((x) => x?.swap))
  }
  // ccxt's `has` values: true, false, undefined or "emulated" (served through another endpoint)
  const exHas = (k: string) => ex.has?.[k] === true || ex.has?.[k] === "emulated"

  const adapter: CcxtAdapter = {
    id: settings.id,
    exchange: ex,
    settings,
    get has() {
      return {
        fetchFundingRate: exHas("fetchFundingRate") && hasSwaps(),
        fetchOpenInterest: exHas("fetchOpenInterest") && hasSwaps(),
        fetchLongShortRatio: (exHas("fetchLongShortRatio") || exHas("fetchLongShortRatioHistory")) && hasSwaps(),
        fetchLiquidations: exHas("fetchLiquidations") && hasSwaps(),
        watchOHLCV: isPro && exHas("watchOHLCV"),
        watchOrderBook: isPro && exHas("watchOrderBook"),
        watchTrades: isPro && exHas("watchTrades"),
        watchLiquidations: isPro && exHas("watchLiquidations") && hasSwaps(),
      }
    },

    async loadSymbols() {
      const m = await markets()
      const wanted = settings.marketType
      return Object.values(m).flatMap((x) =>
        x !== undefined && x.active !== false && (wanted === "spot" ? x.spot : x.swap && x.linear) ? [x.symbol] : [],
      )
    },

    fetchOHLCV: (symbol, timeframe, since, limit) =>
      withTimeout("fetchOHLCV", timeouts.ohlcv, async () => {
        await markets()
        const wanted = requestLimit(timeframe, since, limit, now())
        const page = ohlcvPageSize(ex.id)
        if (page === undefined || wanted === undefined || wanted <= page)
          return toCandles(await ex.fetchOHLCV(symbol, timeframe, since, wanted))
        const fetchPage = async (from: number | undefined, n: number) =>
          toCandles(await ex.fetchOHLCV(symbol, timeframe, from, n))
        return fetchCandlePages(fetchPage, { timeframe, since, limit: wanted, page })
      }),

    fetchOrderBook: (symbol, limit = 50) =>
      withTimeout("fetchOrderBook", timeouts.orderBook, async () => {
        await markets()
        return toOrderBook(symbol, await ex.fetchOrderBook(symbol, limit), now(), limit)
      }),

    fetchTrades: (symbol, since, limit) =>
      withTimeout("fetchTrades", timeouts.trades, async () => {
        await markets()
        return toTrades(await ex.fetchTrades(symbol, since, limit))
      }),

    fetchTicker: (symbol) =>
      withTimeout("fetchTicker", timeouts.ticker, async () => {
        await markets()
        const t = toTicker(await ex.fetchTicker(symbol), now())
        if (!t) throw new ccxt.BadResponse(`${ex.id} fetchTicker(${symbol}) returned no last price`)
        return t
      }),

    fetchTickers: (symbols) =>
      withTimeout("fetchTickers", timeouts.ticker, async () => {
        await markets()
        const params = symbols ? {} : { type: settings.marketType }
        const all = await ex.fetchTickers(symbols ? [...symbols] : undefined, params)
        const at = now()
        return Object.values(all).flatMap((t) => toTicker(t, at) ?? [])
      }),

    ...(exHas("fetchTime")
      ? { fetchTime: () => withTimeout("fetchTime", timeouts.ticker, async () => Number(await ex.fetchTime())) }
      : {}),

    fetchFundingRate: (symbol) =>
      withTimeout("fetchFundingRate", timeouts.ticker, async () => {
        const f = toFundingRate(symbol, await ex.fetchFundingRate(await derivative(symbol)), now())
        if (!f) throw new ccxt.BadResponse(`${ex.id} fetchFundingRate(${symbol}) returned no rate`)
        return f
      }),

    fetchOpenInterest: (symbol) =>
      withTimeout("fetchOpenInterest", timeouts.ticker, async () => {
        const o = toOpenInterest(symbol, await ex.fetchOpenInterest(await derivative(symbol)), now())
        if (!o) throw new ccxt.BadResponse(`${ex.id} fetchOpenInterest(${symbol}) returned no amount`)
        return o
      }),

    fetchLongShortRatio: (symbol) =>
      withTimeout("fetchLongShortRatio", timeouts.ticker, async () => {
        const perp = await derivative(symbol)
        const rows: Array<LongShortRatio> = exHas("fetchLongShortRatioHistory")
          ? await ex.fetchLongShortRatioHistory(perp, "5m", undefined, 1)
          : [await ex.fetchLongShortRatio(perp, "5m")]
        const last = rows[rows.length - 1]
        if (typeof last?.longShortRatio !== "number")
          throw new ccxt.BadResponse(`${ex.id} long/short ratio missing for ${symbol}`)
        return { time: last.timestamp ?? now(), ratio: last.longShortRatio }
      }),

    fetchLiquidations: (symbol, since) =>
      withTimeout("fetchLiquidations", timeouts.trades, async () =>
        toLiquidations(await ex.fetchLiquidations(await derivative(symbol), since)),
      ),

    requestCost: (operation, args) => {
      const cost = requestCost(ex, operation, args)
      // A candle request deeper than the exchange's page is that many requests (`ohlcv-pages.ts`).
      const page = operation === "fetchOHLCV" ? ohlcvPageSize(ex.id) : undefined
      const limit = args?.limit
      return page !== undefined && limit !== undefined && limit > page ? cost * Math.ceil(limit / page) : cost
    },
    rateBudget: defaultBudget(ex),

    stats: () => (usedWeight1m === undefined ? { ...counters } : { ...counters, usedWeight1m }),

    async close() {
      if (typeof ex.close === "function") await ex.close()
    },
  }

  if (isPro) Object.assign(adapter, ccxtWatchers({ ex, exHas, now, ready: ws, derivative }))
  return adapter
}
