/** @module One classification for every exchange call made by the market streams. */
import { Predicate } from "effect"
import { classifyCcxtError } from "../../resilience/index.ts"

/**
 * `classifyCcxtError`, fed the Retry-After the ccxt plugin stamped on the error itself
 * (`retryAfterMs`, read from that very response; `last_response_headers` is shared by
 * concurrent calls and may belong to another request).
 */
export const classifyExchangeError = (error: unknown, operation?: string, exchange?: string) => {
  const stamped = Predicate.hasProperty(error, "retryAfterMs") && typeof error.retryAfterMs === "number" ? error.retryAfterMs : undefined
  return classifyCcxtError(error, {
    operation,
    ...(exchange === undefined ? {} : { exchange }),
    ...(stamped === undefined ? {} : { headers: { "retry-after": String(stamped / 1000) } }),
  })
}
