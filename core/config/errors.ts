import { Data } from "effect"

/** The configuration cannot be used; `issues` name each bad key and what is wrong with it. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly message: string
  readonly issues: ReadonlyArray<string>
}> {}
