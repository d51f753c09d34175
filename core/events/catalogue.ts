/**
 * @module The event catalogue: the closed set of event types Virtuoso publishes, each with a
 * payload schema (`payloads.ts`), a version, a default priority lane and whether it is durable
 * (persisted and acknowledged to the publisher only after commit).
 */
import { Clock, Effect, Random } from "effect"
import { z } from "zod"
import { mintEventId } from "./event-id.ts"
import type { Lane } from "./lanes.ts"
import {
  CandleClosed,
  CandlesAppended,
  OrderBookUpdated,
  TradesReceived,
  TickerUpdated,
  DerivativesUpdated,
  SymbolsChanged,
  ConfluenceComputed,
  SignalEmitted,
  AlertSent,
  AlertFailed,
  PluginLoaded,
  PluginReloaded,
  PluginFailed,
  PluginUnloaded,
  PluginQuarantined,
  HealthChanged,
  CircuitChanged,
  StreamChanged,
  SystemStarted,
  SystemStopping,
} from "./payloads.ts"

export * from "./payloads.ts"

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
  /**
   * A full-state snapshot of its symbol (never durable): a newer one makes an older one still
   * queued redundant for a subscriber that only keeps the latest (`SubscribeOptions.supersede`).
   */
  readonly snapshot: boolean
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
  snapshot: false,
})
/** A full-state snapshot: not durable, not deduplicated, superseded by the next one. */
const snapshot = <S extends z.ZodType>(schema: S, priority: Lane): Entry<S> => ({
  ...entry(schema, priority, false, false),
  snapshot: true,
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
  "market.orderbook": snapshot(OrderBookUpdated, "high"),
  "market.trades": entry(TradesReceived, "high", false),
  "market.ticker": snapshot(TickerUpdated, "high"),
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
export const isSnapshot = (type: EventType): boolean => EVENT_CATALOGUE[type].snapshot

export { makeEventIdUnsafe } from "./event-id.ts"

export interface MakeEventOptions {
  readonly source: string
  readonly correlationId?: string | undefined
}

/** The envelope of one event from its parts (the time and the id's entropy read by the caller). */
const envelope = (
  type: EventType,
  payload: PayloadOf<EventType>,
  options: MakeEventOptions,
  time: number,
  random: Random.Random,
): EventEnvelope => ({
  id: mintEventId(time, () => random.nextDoubleUnsafe()),
  type,
  version: EVENT_CATALOGUE[type].version,
  time,
  source: options.source,
  payload,
  ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
})

/**
 * Builds an event with a fresh id (this process's next, see `event-id.ts`) and the current time
 * from `Clock`. The overload pairs the payload with its type; the body builds the wider envelope.
 */
export function makeEvent<T extends EventType>(
  type: T,
  payload: PayloadOf<T>,
  options: MakeEventOptions,
): Effect.Effect<EventOf<T>>
export function makeEvent(
  type: EventType,
  payload: PayloadOf<EventType>,
  options: MakeEventOptions,
): Effect.Effect<EventEnvelope> {
  return Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const random = yield* Random.Random
    return envelope(type, payload, options, clock.currentTimeMillisUnsafe(), random)
  })
}

export type EventMaker = <T extends EventType>(type: T, payload: PayloadOf<T>, options: MakeEventOptions) => EventOf<T>

/**
 * `makeEvent` as a plain function over the current `Clock` and `Random`, for a loop that builds
 * many events (an Analysis cycle's confluence events): one service lookup instead of one per event.
 */
export const eventMaker: Effect.Effect<EventMaker> = Effect.gen(function* () {
  const clock = yield* Clock.Clock
  const random = yield* Random.Random
  function make<T extends EventType>(type: T, payload: PayloadOf<T>, options: MakeEventOptions): EventOf<T>
  function make(type: EventType, payload: PayloadOf<EventType>, options: MakeEventOptions): EventEnvelope {
    return envelope(type, payload, options, clock.currentTimeMillisUnsafe(), random)
  }
  return make
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
