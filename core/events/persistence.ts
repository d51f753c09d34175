/**
 * @module Where the bus sends durable events before dispatching them. The event store provides
 * it (`core/store`); without one, durable events are only dispatched (tests, tools).
 */
import { Context, Effect } from "effect"
import type { VirtuosoEvent } from "./catalogue.ts"
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
