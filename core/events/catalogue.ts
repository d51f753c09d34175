/**
 * @module The event catalogue: the closed set of event types Virtuoso publishes, each with a
 * payload schema, a version, a default priority lane and whether it is durable (persisted and
 * acknowledged to the publisher only after commit).
 *
 * Payload schemas are zod because the same shapes are validated at the HTTP edge and when events
 * come back from the store or a distributed transport; in-process publishers are trusted by type.
 */
import { Clock, Effect, Random } from "effect"
import { z } from "zod"
import { TIMEFRAMES } from "../market-schema/index.ts"
import { mintEventId } from "./event-id.ts"
import type { Lane } from "./lanes.ts"

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

interface Entry<S extends z.ZodType> {
  readonly schema: S
  readonly version: number
  readonly priority: Lane
  /** Durable: persisted by the event store; `publish` resolves only after commit. */
  readonly durable: boolean
  /**
   * Dedup by id within the bus window. Off only for full-state snapshots (order book, ticker):
   * a repeated snapshot replaces state with the same state, and at their rates the id lookup
   * was a third of dispatch time. Trades stay deduped: a repeated batch would double volume.
   */
  readonly dedup: boolean
}
const entry = <S extends z.ZodType>(
  schema: S,
  priority: Lane,
  durable: boolean,
  dedup = true,
  version = 1,
): Entry<S> => ({
  schema,
  version,
  priority,
  durable,
  dedup,
})

/**
 * The catalogue. Lanes follow what a late event costs: signals critical (a trader acts on
 * them), market data and confluence high (every score depends on them), stream state normal,
 * housekeeping low. Market inputs are not durable at publish: the recorder stores them in
 * delivery order (`store.record`), so a replay feeds Analysis the sequence it saw live.
 */
export const EVENT_CATALOGUE = {
  "market.candle.closed": entry(CandleClosed, "high", false),
  "market.candles": entry(CandlesAppended, "high", false),
  "market.orderbook": entry(OrderBookUpdated, "high", false, false),
  "market.trades": entry(TradesReceived, "high", false),
  "market.ticker": entry(TickerUpdated, "high", false, false),
  "market.derivatives": entry(DerivativesUpdated, "high", false),
  "market.symbols": entry(SymbolsChanged, "high", false),
  "analysis.confluence": entry(ConfluenceComputed, "high", true, true, 2),
  "signal.emitted": entry(SignalEmitted, "critical", true),
  "alert.sent": entry(AlertSent, "critical", true),
  "alert.failed": entry(AlertFailed, "critical", true),
  "plugin.loaded": entry(PluginLoaded, "low", true),
  "plugin.reloaded": entry(PluginReloaded, "low", true),
  "plugin.failed": entry(PluginFailed, "low", true),
  "plugin.unloaded": entry(PluginUnloaded, "low", true),
  "plugin.quarantined": entry(PluginQuarantined, "low", true),
  "plugin.recovered": entry(PluginLoaded, "low", true),
  "health.changed": entry(HealthChanged, "low", true),
  "circuit.changed": entry(CircuitChanged, "low", true),
  "stream.changed": entry(StreamChanged, "normal", false),
  "system.started": entry(SystemStarted, "low", false),
  "system.stopping": entry(SystemStopping, "low", false),
} as const

type Catalogue = typeof EVENT_CATALOGUE
export type EventType = keyof Catalogue
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as ReadonlyArray<EventType>
export type PayloadOf<T extends EventType> = z.infer<Catalogue[T]["schema"]>

/** The common envelope every event carries. */
export interface EventEnvelope<T extends EventType = EventType> {
  readonly id: string
  readonly type: T
  readonly version: number
  /** Milliseconds since the epoch, from the publisher's `Clock`. */
  readonly time: number
  readonly correlationId?: string
  /** Who published it: a service name or `plugin:<name>`. */
  readonly source: string
  readonly payload: PayloadOf<T>
  /** Set when the event is re-delivered from the store (replay); never persisted again. */
  readonly replayed?: boolean
}

/** The closed union: `switch (event.type)` is exhaustive and narrows `payload`. */
export type VirtuosoEvent = { [T in EventType]: EventEnvelope<T> }[EventType]
export type EventOf<T extends EventType> = Extract<VirtuosoEvent, { type: T }>

/** The symbol an event is about, for the types whose payload names one. */
export const symbolOf = (event: VirtuosoEvent): string | undefined =>
  "symbol" in event.payload && typeof event.payload.symbol === "string" ? event.payload.symbol : undefined

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_CATALOGUE, type)
export const isDurable = (type: EventType): boolean => EVENT_CATALOGUE[type].durable
export const priorityOf = (type: EventType): Lane => EVENT_CATALOGUE[type].priority
export const isDeduplicated = (type: EventType): boolean => EVENT_CATALOGUE[type].dedup

export { makeEventIdUnsafe } from "./event-id.ts"

export interface MakeEventOptions {
  readonly source: string
  readonly correlationId?: string | undefined
}

/** Builds an event with a fresh id (this process's next, see `event-id.ts`) and the current time from `Clock`. */
export const makeEvent = <T extends EventType>(
  type: T,
  payload: PayloadOf<T>,
  options: MakeEventOptions,
): Effect.Effect<EventOf<T>> =>
  Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const random = yield* Random.Random
    const time = clock.currentTimeMillisUnsafe()
    const event: EventEnvelope<T> = {
      id: mintEventId(time, () => random.nextDoubleUnsafe()),
      type,
      version: EVENT_CATALOGUE[type].version,
      time,
      source: options.source,
      payload,
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
    }
    return event as unknown as EventOf<T>
  })

/** Envelope schema for events arriving from outside the process (store, transport, HTTP). */
export const EventEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  version: z.number().int(),
  time: z.number(),
  correlationId: z.string().optional(),
  source: z.string(),
  payload: z.unknown(),
  replayed: z.boolean().optional(),
})

export type DecodeResult =
  | { readonly ok: true; readonly event: VirtuosoEvent }
  | { readonly ok: false; readonly error: string }

/** Validates an untrusted value as a catalogue event (envelope, known type, payload schema). */
export const decodeEvent = (input: unknown): DecodeResult => {
  const env = EventEnvelopeSchema.safeParse(input)
  if (!env.success) return { ok: false, error: env.error.message }
  const type = env.data.type
  if (!isEventType(type)) return { ok: false, error: `unknown event type "${type}"` }
  const payload = EVENT_CATALOGUE[type].schema.safeParse(env.data.payload)
  if (!payload.success) return { ok: false, error: `${type}: ${payload.error.message}` }
  return { ok: true, event: { ...env.data, type, payload: payload.data } as VirtuosoEvent }
}
