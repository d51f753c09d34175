/**
 * @module A stored market or event row as the event `scan` hands out: the payload decoded as the
 * row is read, a book's when its payload is first read (a replay drops most books unread), and
 * the row's symbol column kept beside it so a reader can skip a row without decoding it.
 */
import { EventStoreError } from "./errors.ts"
import { decodePayload, type StoredPayload } from "./payload-codec.ts"
import type { StoredEvent } from "./schema.ts"

export interface Row {
  readonly seq: number
  readonly id: string
  readonly type: string
  readonly version: number
  readonly time: number
  readonly correlation_id?: string | null
  readonly symbol: string | null
  readonly source: string
  readonly payload: StoredPayload
}

const SYMBOL = Symbol("virtuoso/store/symbol")

/**
 * The symbol column of an event `scan` read from the hot tier, read without decoding its payload
 * (undefined for any other event): lets a reader skip rows it will not use undecoded.
 */
export const storedSymbol = (event: object): string | undefined =>
  (event as { readonly [SYMBOL]?: string | undefined })[SYMBOL]

const COUNT = Symbol("virtuoso/store/count")

/**
 * How many recorded events an event `scan` handed out stands for: 1, or for an event of a thinned
 * block (`coalesced`, block-read.ts) the superseded books or merged trade batches it replaces.
 */
export const storedCount = (event: object): number => (event as { readonly [COUNT]?: number })[COUNT] ?? 1

/** Marks `event` as standing for `count` recorded events. */
export const standsFor = (event: StoredEvent, count: number): StoredEvent => {
  if (count !== 1) (event as { [COUNT]?: number })[COUNT] = count
  return event
}

/** Types whose payload is decoded only when read: a replay drops most books unread. */
const LAZY: ReadonlySet<string> = new Set(["market.orderbook"])

export const fail = (cause: unknown): never => {
  throw new EventStoreError({
    reason: "query",
    message: cause instanceof Error ? cause.message : String(cause),
    cause,
  })
}

const decoded = (stored: StoredPayload): unknown => {
  try {
    return decodePayload(stored)
  } catch (cause) {
    return fail(cause)
  }
}

type Scanned = { -readonly [K in "seq" | "id" | "type" | "version" | "time" | "source"]: Row[K] } & {
  payload: unknown
  correlationId?: string
  [SYMBOL]: string | undefined
}

/** An event whose payload is already decoded, with its symbol column. */
export const eventWith = (row: Omit<Row, "payload">, payload: unknown): StoredEvent => {
  const event: Scanned = {
    seq: row.seq,
    id: row.id,
    type: row.type,
    version: row.version,
    time: row.time,
    source: row.source,
    payload,
    [SYMBOL]: row.symbol ?? undefined,
  }
  if (row.correlation_id != null) event.correlationId = row.correlation_id
  return event as StoredEvent
}

/**
 * A row as an event. A book's payload is decoded when first read, every other payload as the row
 * is read (a replay reads nearly all of them, and an accessor on every event would cost more).
 * The payload is an own enumerable property either way, so spreads and JSON see it like any other.
 */
export const eventOf = (row: Row): StoredEvent => {
  if (!LAZY.has(row.type)) return eventWith(row, decoded(row.payload))
  const event = eventWith(row, undefined)
  let stored: StoredPayload | undefined = row.payload
  let payload: unknown
  Object.defineProperty(event, "payload", {
    enumerable: true,
    get: () => {
      if (stored !== undefined) {
        payload = decoded(stored)
        stored = undefined
      }
      return payload
    },
  })
  return event
}
