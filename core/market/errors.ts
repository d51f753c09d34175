import { Data } from "effect"

/** The exchange plugin could not be created or does not exist. */
export class ExchangeUnavailableError extends Data.TaggedError("ExchangeUnavailableError")<{
  readonly exchange: string
  readonly reason: string
}> {
  override get message() {
    return `exchange ${this.exchange} unavailable: ${this.reason}`
  }
}
