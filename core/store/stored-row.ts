/**
 * @module A stored market or event row as the event `scan` hands out: the payload decoded as the
 * row is read, a book's when its payload is first read (a replay drops most books unread), and
 * the row's symbol column kept beside it so a reader can skip a row without decoding it.
 */
import { payloadFault } from "../events/index.ts"
import { EventStoreError } from "./errors.ts"
import { PACKED } from "./packed-market.ts"
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

/** What names a checked payload's event in an error. */
interface Checked {
  readonly type: string
  readonly version: number
  readonly seq: number
  readonly symbol: string | null
}

/** Whether a stored payload is JSON (text, or deflated JSON bytes) rather than packed columns. */
const isJsonForm = (stored: StoredPayload): boolean => typeof stored === "string" || stored[0] !== PACKED

/**
 * A recorded payload in JSON form, checked against its type's schema (catalogue, payload-check.ts):
 * a read feeding a replay refuses one that is malformed, naming the event and its first faulty
 * field. Packed payloads need no such check: their decoder builds them field by field and fails on
 * damage (packed-market.ts).
 */
export const checkedPayload = (row: Checked, payload: unknown): unknown => {
  const fault = payloadFault(row.type, payload)
  if (fault === undefined) return payload
  const symbol = row.symbol === null ? "" : ` of ${row.symbol}`
  throw new Error(`${row.type} version ${row.version}${symbol} at seq ${row.seq}: ${fault}`)
}

/** A stored payload decoded; `checked` (the event it is of) checks it if in JSON form. */
const decoded = (stored: StoredPayload, checked: Checked | undefined): unknown => {
  try {
    const payload = decodePayload(stored)
    return checked !== undefined && isJsonForm(stored) ? checkedPayload(checked, payload) : payload
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
 * `checked`: a payload in JSON form is checked as it is decoded (`checkedPayload`); a read that
 * hands rows on as stored (queries, tiering: `EventStore.replay` dead-letters what the catalogue
 * refuses) leaves it.
 */
export const eventOf = (row: Row, checked = false): StoredEvent => {
  // A checked read decodes a book in JSON form now, so a malformed one fails the read itself, not
  // whichever layer first reads the payload (packed books, nearly all of them, stay lazy).
  if (!LAZY.has(row.type) || (checked && isJsonForm(row.payload)))
    return eventWith(row, decoded(row.payload, checked ? row : undefined))
  const event = eventWith(row, undefined)
  let stored: StoredPayload | undefined = row.payload
  let payload: unknown
  Object.defineProperty(event, "payload", {
    enumerable: true,
    get: () => {
      if (stored !== undefined) {
        payload = decoded(stored, undefined)
        stored = undefined
      }
      return payload
    },
  })
  return event
}
