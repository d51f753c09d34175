/**
 * @module core/events — the typed event catalogue, the EventBus and its transport/persistence seams.
 *
 * @example
 * ```ts
 * const bus = yield* EventBus
 * // Subscribed for the current scope; `e` is narrowed to the plugin.* events.
 * yield* bus.subscribe("plugin.*", (e) => Effect.log(e.type, e.payload.plugin), { name: "plugin-log" })
 * // Durable types resolve only after the event store committed them (see core/store).
 * yield* bus.publish(yield* makeEvent("signal.emitted", { symbol, direction: "long", score }, { source: "signals" }))
 * ```
 * Per handler: `concurrency`, `batch: { size, ms }`, `retry` (a Schedule), `breaker`, `capacity`,
 * `backpressure` ("wait" | "drop-oldest", per lane), `supersede` (keep one queued book/ticker per symbol
 * between the handler's reads of it, see supersede.ts), `accept` (which delivered events it takes at all,
 * decided before they are queued). Failures and defects (throws) after retries land in
 * `bus.deadLetters` (list / replay; kept in the event store when one is attached). `bus.stream(pattern)`
 * feeds SSE; `bus.drain(timeout)` stops intake.
 */
export * from "./catalogue.ts"
export { EventBus, type BusOptions, type BusStats } from "./event-bus.ts"
export { EventBusError, PersistError } from "./errors.ts"

export { matches, isValidPattern, type EventPattern, type EventFor } from "./pattern.ts"
export { DeadLetterSink, EventSink, type DeadLetterSinkShape } from "./persistence.ts"
export { EventTransport, makeInProcessTransport } from "./transport.ts"
export type {
  SubscribeOptions,
  BatchOptions,
  Handler,
  BatchHandler,
} from "./subscribe-options.ts"

export type { DeadLetter } from "./dead-letters.ts"
export { SystemLifecycleLive } from "./lifecycle.ts"
export {
  isBookPayload,
  isNumber,
  isObject,
  isOptionalString,
  isTradesPayload,
  keyCount,
  payloadFault,
} from "./payload-check.ts"
