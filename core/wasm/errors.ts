import { Schema } from "effect"

/** The kernel module could not be built, read or instantiated. */
export class WasmLoadError extends Schema.TaggedError<WasmLoadError>()("WasmLoadError", {
  path: Schema.String,
  reason: Schema.String,
}) {}
