/**
 * @module The payload schemas of the event catalogue, one per event type. Zod, because the same
 * shapes are validated at the HTTP edge and when events come back from the store or a
 * distributed transport; in-process publishers are trusted by type.
 */
import { z } from "zod"
import { TIMEFRAMES } from "../market-schema/index.ts"

const timeframe = z.enum(TIMEFRAMES)
const candle = z.object({
  time: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
})
const level = z.tuple([z.number(), z.number()])
const trade = z.object({
  id: z.string(),
  time: z.number(),
  price: z.number(),
  amount: z.number(),
  side: z.enum(["buy", "sell"]),
})
const pluginRef = { plugin: z.string(), kind: z.string().optional(), path: z.string().optional() }
const healthStatus = z.enum(["healthy", "degraded", "unhealthy"])

/** Payload schemas, one per event type. Unknown-yet fields are kept open with `passthrough`-like records. */
export const CandleClosed = z.object({ symbol: z.string(), timeframe, exchange: z.string().optional(), candle })
/** The history of one series loaded when a symbol starts being tracked (oldest first). */
export const CandlesAppended = z.object({
  symbol: z.string(),
  timeframe,
  exchange: z.string().optional(),
  candles: z.array(candle),
  backfill: z.boolean().optional(),
})
export const OrderBookUpdated = z.object({
  symbol: z.string(),
  exchange: z.string().optional(),
  time: z.number(),
  bids: z.array(level),
  asks: z.array(level),
})
export const TradesReceived = z.object({ symbol: z.string(), exchange: z.string().optional(), trades: z.array(trade) })
export const TickerUpdated = z.object({
  symbol: z.string(),
  exchange: z.string().optional(),
  time: z.number(),
  last: z.number(),
  bid: z.number().optional(),
  ask: z.number().optional(),
  quoteVolume: z.number().optional(),
  percentage: z.number().optional(),
})
const liquidation = z.object({
  time: z.number(),
  side: z.enum(["long", "short"]),
  amount: z.number(),
  price: z.number(),
})
/** Derivatives data of one refresh; absent fields were not available from the exchange. */
export const DerivativesUpdated = z.object({
  symbol: z.string(),
  exchange: z.string().optional(),
  time: z.number(),
  fundingRate: z.object({ symbol: z.string(), time: z.number(), rate: z.number() }).optional(),
  openInterest: z
    .object({ symbol: z.string(), time: z.number(), amount: z.number(), value: z.number().optional() })
    .optional(),
  longShortRatio: z.number().optional(),
  /** Liquidations newer than the previous refresh, oldest first. */
  liquidations: z.array(liquidation).optional(),
})
/** The symbols whose market data this instance publishes now (sent whenever the set changes). */
export const SymbolsChanged = z.object({ exchange: z.string().optional(), symbols: z.array(z.string()) })
const direction = z.enum(["bullish", "bearish", "neutral"]).nullable()
/**
 * A symbol's confluence roll-up, compact (well under 1 KB): what a subscriber or the store needs.
 * The per-plugin contributions and interpretation lines stay in Analysis's memory (the API serves them).
 */
export const ConfluenceComputed = z.object({
  symbol: z.string(),
  /** The roll-up over the timeframes. */
  timeframe: z.literal("all"),
  /** Epoch ms of the newest data behind the score. */
  time: z.number(),
  score: z.number(),
  direction,
  /** Every scored timeframe points the same way (null with fewer than two). */
  agree: z.boolean().nullable(),
  consensus: z.number().nullable(),
  confidence: z.number().nullable(),
  /** Component → score rolled up over the timeframes, null when unavailable. */
  components: z.record(z.string(), z.number().nullable()),
  /** Timeframe → its score, share of the roll-up (and configured weight), direction, partial. */
  timeframes: z.partialRecord(
    timeframe,
    z.object({
      score: z.number().nullable(),
      weight: z.number(),
      configuredWeight: z.number(),
      direction,
      partial: z.boolean(),
    }),
  ),
  partial: z.boolean(),
  /** Weighted timeframes without a score. */
  missing: z.array(timeframe),
  /** The base timeframe's last close and ATR(14) when scored, so a signal is priced as of its score. */
  price: z.number().nullable().optional(),
  atr: z.number().nullable().optional(),
})
export const SignalEmitted = z.looseObject({
  symbol: z.string(),
  /** "all" = the multi-timeframe roll-up. */
  timeframe: z.union([timeframe, z.literal("all")]).optional(),
  direction: z.string(),
  score: z.number(),
})
export const AlertSent = z.looseObject({ channel: z.string(), signalId: z.string().optional() })
export const AlertFailed = z.looseObject({ channel: z.string(), signalId: z.string().optional(), error: z.string() })
export const PluginLoaded = z.looseObject(pluginRef)
export const PluginReloaded = z.looseObject(pluginRef)
export const PluginFailed = z.looseObject({ ...pluginRef, error: z.string() })
export const PluginUnloaded = z.looseObject(pluginRef)
export const PluginQuarantined = z.looseObject({ ...pluginRef, reason: z.string() })
export const HealthChanged = z.looseObject({
  component: z.string(),
  status: healthStatus,
  previous: healthStatus.optional(),
  reason: z.string().optional(),
  /** When the registry observed the change; absent from publishers that only have the event time. */
  at: z.number().optional(),
})
export const CircuitChanged = z.looseObject({
  name: z.string(),
  state: z.enum(["closed", "open", "half-open"]),
  previous: z.enum(["closed", "open", "half-open"]).optional(),
})
/** A market stream changed state: stale, failed, backing off, fell back to polling, resumed or stopped. */
export const StreamChanged = z.object({
  stream: z.string(),
  symbol: z.string(),
  state: z.enum(["stale", "failed", "backoff", "polling", "resumed", "stopped"]),
  detail: z.string().optional(),
})
export const SystemStarted = z.looseObject({ version: z.string().optional() })
export const SystemStopping = z.looseObject({ reason: z.string().optional() })
