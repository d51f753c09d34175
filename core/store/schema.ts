/**
 * @module Data shapes of the event store: the query accepted by `EventStore.query` and
 * `GET /v1/events` (zod, coercing query-string values), and what a query returns.
 */
import { z } from "zod"
import type { VirtuosoEvent } from "../events/index.ts"
import type { Cursor } from "./cursor.ts"

/** Milliseconds since the epoch, or an ISO-8601 date string. */
const instant = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === "number" ? value : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: "expected epoch milliseconds or an ISO-8601 date" })
    return z.NEVER
  }
  return Math.floor(ms)
})

export const EventQuery = z
  .object({
    /** Exact event type, or a `prefix.*` pattern such as `plugin.*`. */
    type: z
      .string()
      .regex(/^[a-z]+(\.[a-z]+)*(\.\*)?$/, "expected an event type or a prefix.* pattern")
      .optional(),
    symbol: z.string().min(1).optional(),
    correlationId: z.string().min(1).optional(),
    /** Inclusive lower bound on event time. */
    from: instant.optional(),
    /** Exclusive upper bound on event time. */
    to: instant.optional(),
    /** Opaque cursor from a previous page's `nextCursor`. */
    cursor: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    order: z.enum(["asc", "desc"]).default("asc"),
  })
  .strict()

/** What callers pass (strings allowed, defaults optional). */
export type EventQueryInput = z.input<typeof EventQuery>
/** The parsed query. */
export type EventQueryParsed = z.output<typeof EventQuery>

/**
 * A query as every tier answers it (ring, SQLite, day files): the parsed `EventQuery` with its
 * cursor decoded into `after`.
 */
export interface TierQuery {
  readonly type?: string | undefined
  readonly symbol?: string | undefined
  readonly correlationId?: string | undefined
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly after?: Cursor | undefined
  readonly order: "asc" | "desc"
  readonly limit: number
}

/** An event as stored: the event plus its commit sequence number. */
export type StoredEvent = VirtuosoEvent & { readonly seq: number }

export interface EventPage {
  readonly events: ReadonlyArray<StoredEvent>
  /** Present when more events match; pass it back as `cursor`. */
  readonly nextCursor?: string
}
