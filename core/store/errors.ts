/** @module Tagged errors of the event store. */
import { Schema } from "effect"

export class EventStoreError extends Schema.TaggedError<EventStoreError>()("EventStoreError", {
  reason: Schema.Literals(["open", "migrate", "write", "query", "closed", "io", "bad-cursor"]),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
}) {}
