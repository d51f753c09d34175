/**
 * @module Where the bus sends durable events before dispatching them, and where it keeps its
 * dead letters. The event store provides both (`core/store`); without one, durable events are
 * only dispatched and dead letters live in memory (tests, tools).
 */
import { Context, Effect } from "effect"
import type { VirtuosoEvent } from "./catalogue.ts"
import type { DeadLetter } from "./dead-letters.ts"
import type { PersistError } from "./errors.ts"

export interface EventSinkShape {
  /** False for the default no-op sink: lets `stats` and health say durability is off. */
  readonly durable: boolean
  /** Resolves only after the events are committed. */
  readonly append: (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<void, PersistError>
}

export const EventSink = Context.Reference<EventSinkShape>("virtuoso/events/EventSink", {
  defaultValue: () => ({ durable: false, append: () => Effect.void }),
})

export interface DeadLetterSinkShape {
  /** False for the default in-memory sink: dead letters are lost on restart. */
  readonly persistent: boolean
  /**
   * The newest `limit` entries an earlier run left, oldest first (older ones are discarded), and
   * the highest seq ever stored, so new entries never reuse one.
   */
  readonly load: (
    limit: number,
  ) => Effect.Effect<{ readonly entries: ReadonlyArray<DeadLetter>; readonly maxSeq: number }, PersistError>
  /** Stores new entries (numbered by the bus) and forgets replayed or evicted ones, in one go. */
  readonly write: (
    added: ReadonlyArray<DeadLetter>,
    removed: ReadonlyArray<number>,
  ) => Effect.Effect<void, PersistError>
}

/** Where the bus keeps its dead letters; the event store provides a persistent one (`core/store`). */
export const DeadLetterSink = Context.Reference<DeadLetterSinkShape>("virtuoso/events/DeadLetterSink", {
  defaultValue: () => ({
    persistent: false,
    load: () => Effect.succeed({ entries: [], maxSeq: 0 }),
    write: () => Effect.void,
  }),
})
