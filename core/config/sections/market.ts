/**
 * @module Configuration keys for market data: the exchange plugin and its limits, the tracked
 * symbols, the timeframes.
 */
import { z } from "zod"
import { DEFAULT_TIMEFRAME_WEIGHTS, type Timeframe } from "../../market-schema/index.ts"
import { secret, text, timeframe } from "./fields.ts"

/** Candles kept resident per default timeframe: enough history for the slowest indicator on each. */
const DEFAULT_CANDLES: Readonly<Partial<Record<Timeframe, number>>> = { "1m": 1000, "5m": 300, "30m": 200, "4h": 200 }

const defaultTimeframes = Object.fromEntries(
  Object.entries(DEFAULT_TIMEFRAME_WEIGHTS).map(([tf, weight]) => [
    tf,
    { weight, candles: DEFAULT_CANDLES[tf as Timeframe] ?? 200 },
  ]),
)

const timeframeSetting = z
  .object({
    weight: z.number().min(0).max(100),
    /** Candles kept resident (and backfilled at start). */
    candles: z.number().int().min(10).max(100_000),
  })
  .strict()

export const ExchangeSettings = z
  .object({
    /** "sim" (built-in simulated exchange) or "ccxt"; any other name is a plugin in the exchanges folder. */
    plugin: z.string().min(1).default("sim"),
    /** Exchange id within the plugin, e.g. ccxt's "binance" or "bybit". */
    id: z.string().min(1).optional(),
    options: z.record(z.string(), z.unknown()).default({}),
    urls: z.record(z.string(), z.unknown()).optional(),
    apiKey: secret.optional(),
    secret: secret.optional(),
    password: secret.optional(),
    /** Simulated exchange: RNG seed and speed in 1m candles per wall-clock second. */
    seed: z.number().int().default(42),
    speed: z.number().positive().max(1000).default(1),
    /**
     * Order-book events: the top `levels` of each side, at most every `everyMs`, sooner when
     * the mid price moved by `changeBps` basis points since the last published book.
     */
    book: z
      .object({
        levels: z.number().int().min(1).max(1000).default(20),
        everyMs: z.number().int().min(0).max(600_000).default(1000),
        changeBps: z.number().min(0).max(10_000).default(10),
      })
      .strict()
      .prefault({}),
    /** How often MarketData polls the exchange for new candles, books and trades. */
    pollMs: z.number().int().min(10).max(600_000).default(250),
    /**
     * One request budget shared by every caller of this exchange (token bucket), in the plugin's
     * request-weight units (ccxt: its cost units, see plugins/exchanges/ccxt/README.md). Default:
     * none for the simulator, 90 % of the exchange's own limit when the plugin knows it, else
     * 20 burst / 10 per second.
     */
    rateBudget: z
      .object({
        capacity: z.number().int().min(1),
        perSecond: z.number().positive(),
      })
      .strict()
      .optional(),
    /** Requests in flight at once per exchange. */
    maxConcurrent: z.number().int().min(1).max(256).default(8),
    /** ccxt: its own request throttle (keep it on against real exchanges) and spacing in ms. */
    enableRateLimit: z.boolean().default(true),
    rateLimit: z.number().positive().optional(),
    /** ccxt: per-operation timeouts in ms (defaults: ticker 10 s, book 15 s, trades 15 s, OHLCV 30 s, markets 20 s). */
    timeouts: z
      .object({
        ticker: z.number().positive(),
        orderBook: z.number().positive(),
        trades: z.number().positive(),
        ohlcv: z.number().positive(),
        markets: z.number().positive(),
      })
      .partial()
      .strict()
      .optional(),
    /** ccxt: which markets to track, spot or linear perpetuals. */
    marketType: z.enum(["spot", "swap"]).default("spot"),
    /** ccxt: use ccxt.pro websockets where the exchange has them. */
    websocket: z.boolean().default(true),
    /** ccxt: pre-loaded markets (skips the exchange-info request). */
    markets: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .prefault({})

export const SymbolsSettings = z
  .object({
    /** Always tracked. */
    static: z.array(text).default(["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT"]),
    top: z.number().int().min(0).max(500).default(20),
    quote: z.string().min(1).default("USDT"),
    minQuoteVolume: z.number().min(0).default(1_000_000),
    include: z.array(text).default([]),
    exclude: z.array(text).default([]),
    refreshMs: z.number().int().min(1000).default(300_000),
  })
  .strict()
  .prefault({})

export const TimeframesSettings = z.partialRecord(timeframe, timeframeSetting).default(defaultTimeframes)
