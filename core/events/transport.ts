/**
 * @module The transport carries published events to every attached bus instance. The bus keeps
 * lanes, dedup, handlers and the DLQ on the receiving side, so a distributed transport (Redis
 * Streams) replaces `InProcessTransport` without touching publishers or subscribers.
 */
import { Context, Effect, Layer, type Scope } from "effect"
import type { VirtuosoEvent } from "./catalogue.ts"
import type { TransportError } from "./errors.ts"

/** Hands received events to the local dispatcher; may suspend (that is the backpressure). */
export type Deliver = (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<void>

export interface Transport {
  readonly name: string
  /** Carries events to all attached receivers (this process included). */
  readonly send: (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<void, TransportError>
  /** Attaches this process's dispatcher for the lifetime of the scope. */
  readonly attach: (deliver: Deliver) => Effect.Effect<void, TransportError, Scope.Scope>
}

/** Direct hand-off inside one process: `send` calls the attached dispatcher synchronously. */
export const makeInProcessTransport = (): Transport => {
  const receivers = new Set<Deliver>()
  return {
    name: "in-process",
    send: (events) => {
      if (receivers.size === 1) for (const deliver of receivers) return deliver(events)
      return Effect.forEach(receivers, (deliver) => deliver(events), { discard: true })
    },
    attach: (deliver) =>
      Effect.acquireRelease(
        Effect.sync(() => receivers.add(deliver)),
        () => Effect.sync(() => receivers.delete(deliver)),
      ).pipe(Effect.asVoid),
  }
}

/** Which transport the bus uses; defaults to a fresh in-process one per bus. */
export class EventTransport extends Context.Service<EventTransport, Transport>()("virtuoso/events/EventTransport") {
  static readonly layerInProcess = Layer.sync(EventTransport, makeInProcessTransport)
}
