/**
 * @module Subscription patterns: an exact type, a `prefix.*` over a known prefix, or `*`.
 * Matching is decided once per (pattern, type) and cached by the bus, never per event.
 */
import { EVENT_TYPES, type EventOf, type EventType, type VirtuosoEvent } from "./catalogue.ts"

type Prefixes<T extends string> = T extends `${infer A}.${infer B}` ? `${A}.*` | `${A}.${Prefixes<B>}` : never
/** `market.*`, `market.candle.*`, `plugin.*`, ... — only prefixes that exist in the catalogue. */
type EventPrefix = Prefixes<EventType>
export type EventPattern = EventType | EventPrefix | "*"

/** The events a pattern can deliver, so handlers get a narrowed type. */
export type EventFor<P extends EventPattern> = P extends "*"
  ? VirtuosoEvent
  : P extends EventType
    ? EventOf<P>
    : P extends `${infer Prefix}.*`
      ? Extract<VirtuosoEvent, { type: `${Prefix}.${string}` }>
      : never

/** Whether `pattern` matches `type`. A prefix pattern matches only below its dot, never everything. */
export const matches = (pattern: string, type: string): boolean => {
  if (pattern === "*") return true
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1))
  return pattern === type
}

/** Validates a runtime pattern string (patterns may come from config or plugins). */
export const isValidPattern = (pattern: string): pattern is EventPattern =>
  pattern === "*" ||
  (pattern.endsWith(".*")
    ? EVENT_TYPES.some((t) => matches(pattern, t))
    : (EVENT_TYPES as ReadonlyArray<string>).includes(pattern))
