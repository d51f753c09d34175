/** @module Tagged errors of the event bus. */
import { Schema } from "effect"

/** The bus refused an event: it is draining/closed, or the durable store failed to commit it. */
export class EventBusError extends Schema.TaggedError<EventBusError>()("EventBusError", {
  reason: Schema.Literals(["closed", "persist-failed", "transport-failed", "invalid-pattern"]),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
}) {}

/** A distributed transport failed to carry or receive events. */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  transport: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
}) {}

/** The persistence sink (event store) failed to commit a batch. */
export class PersistError extends Schema.TaggedError<PersistError>()("PersistError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
}) {}
