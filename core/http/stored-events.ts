/**
 * @module Reads of the event store for HTTP (`/v1/events`, signal history, recorded scores):
 * each stored event is decoded with the catalogue schema before it is served, like any input
 * from outside the process. A row that no longer decodes (written by another version, edited by
 * hand) is left out of the page and dead-lettered once with the decode error.
 */
import { Effect, Result } from "effect"
import { decodeEvent, type EventBus } from "../events/index.ts"
import type { EventPage, EventStore, EventStoreError, StoredEvent } from "../store/index.ts"
import type { EventQuery } from "./deps.ts"
import { HttpInputError, HttpUnavailableError } from "./errors.ts"

/** Where the bus's DLQ lists rows an HTTP read could not decode. */
export const HTTP_READ_DEAD_LETTERS = "http:read"
/** Ids already dead-lettered; a bad row is read again on every page that holds it. */
const REMEMBERED = 10_000

/** Store failures the client can act on become 400/503; anything else stays a defect (500). */
const storeFailure = (error: EventStoreError): Error => {
  switch (error.reason) {
    case "bad-cursor":
    case "query":
      return new HttpInputError(error.message)
    case "closed":
    case "io":
    case "open":
      return new HttpUnavailableError(`event store unavailable: ${error.reason}`)
    default:
      return new Error(`event store ${error.reason}: ${error.message}`)
  }
}

export interface StoredReaderOptions {
  /** Routes that read the store exist only with one; without, a read is a 503. */
  readonly store: EventStore["Service"] | undefined
  /** Without a bus, undecodable rows are only logged. */
  readonly bus: EventBus["Service"] | undefined
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
}

/** A page of decoded events; the cursor is the store's, so paging stays exact when rows are left out. */
export const makeStoredReader = ({ store, bus, run }: StoredReaderOptions) => {
  const reported = new Set<string>()
  const report = (stored: StoredEvent, error: string) => {
    if (reported.has(stored.id)) return Effect.void
    if (reported.size >= REMEMBERED) reported.clear()
    reported.add(stored.id)
    const reason = `stored event ${stored.id}: ${error}`
    return bus === undefined
      ? Effect.logWarning(`${HTTP_READ_DEAD_LETTERS}: ${reason}`)
      : bus.deadLetters.add(HTTP_READ_DEAD_LETTERS, stored, reason)
  }
  const decodePage = (page: EventPage) =>
    Effect.gen(function* () {
      const events: Array<StoredEvent> = []
      for (const stored of page.events) {
        const decoded = decodeEvent(stored)
        if (decoded.ok) events.push({ ...decoded.event, seq: stored.seq })
        else yield* report(stored, decoded.error)
      }
      return { ...page, events }
    })
  return async (q: EventQuery): Promise<EventPage> => {
    if (store === undefined) throw new HttpUnavailableError("event store not enabled")
    const result = await run(
      Effect.result(
        store
          .query({
            type: q.type,
            symbol: q.symbol,
            from: q.from,
            to: q.to,
            limit: q.limit,
            cursor: q.cursor,
            order: q.order ?? "asc",
          })
          .pipe(Effect.flatMap(decodePage)),
      ),
    )
    if (Result.isFailure(result)) throw storeFailure(result.failure)
    return result.success
  }
}
