/** @module Tagged errors of the replay: bad input (file, CSV, flags, config) vs. a failed run. */
import { Data } from "effect"

/** The input cannot be replayed: missing file, bad CSV row, unknown flag, bad horizon, bad range. */
export class ReplayInputError extends Data.TaggedError("ReplayInputError")<{
  readonly message: string
}> {}
