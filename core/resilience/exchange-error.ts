/**
 * @module `ExchangeError`: the one error every exchange call fails with, and the ONE place that
 * decides what a failure means (retry or not, how long to wait, whether it trips a breaker).
 *
 * Turning a thrown value into one is `classifyCcxtError` (`classify-exchange-error.ts`).
 */
import { Cause, Predicate, Schema } from "effect"

/** 429: slow down; `retryAfterMs` when the exchange said how long. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  retryAfterMs: Schema.optional(Schema.Finite),
}) {}
/** 418 (Binance) / DDoS protection: an IP ban; wait `retryAfterMs` at least. */
export class Banned extends Schema.TaggedError<Banned>()("Banned", {
  retryAfterMs: Schema.optional(Schema.Finite),
}) {}
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {}) {}
/** Connection refused/reset, DNS, TLS, exchange unreachable. */
export class Network extends Schema.TaggedError<Network>()("Network", {}) {}
/** 5xx or "exchange not available / on maintenance". */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  status: Schema.optional(Schema.Int),
}) {}
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  status: Schema.optional(Schema.Int),
}) {}
export class Auth extends Schema.TaggedError<Auth>()("Auth", {}) {}
export class NotSupported extends Schema.TaggedError<NotSupported>()("NotSupported", {}) {}
/** Malformed JSON, empty body, a reply ccxt could not parse. */
export class BadResponse extends Schema.TaggedError<BadResponse>()("BadResponse", {}) {}

export const ExchangeErrorReason = Schema.Union([
  RateLimited,
  Banned,
  Timeout,
  Network,
  ServerError,
  BadRequest,
  Auth,
  NotSupported,
  BadResponse,
])
export type ExchangeErrorReason = typeof ExchangeErrorReason.Type
export type ExchangeErrorReasonTag = ExchangeErrorReason["_tag"]

export class ExchangeError extends Schema.TaggedError<ExchangeError>()("ExchangeError", {
  /** Exchange id, e.g. "binance". */
  exchange: Schema.String,
  /** Unified method, e.g. "fetchOHLCV", when known. */
  operation: Schema.optional(Schema.String),
  message: Schema.String,
  reason: ExchangeErrorReason,
  /** Host (and port) the failed request went to, when the error names it. */
  host: Schema.optional(Schema.String),
  /** HTTP status of the failed response, when there was one. */
  status: Schema.optional(Schema.Int),
  /** Class of the error the client library threw (ccxt: `NetworkError`, `RateLimitExceeded`, ...). */
  errorClass: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect()),
}) {}

// ---------------------------------------------------------------------------------------------
// Decisions (the one place)

/** Should another attempt be made? Client errors (bad request, auth, not supported) never. */
export const isRetryable = (error: unknown): boolean => {
  if (error instanceof ExchangeError) return isRetryableReason(error.reason)
  if (Cause.isTimeoutError(error)) return true
  if (Predicate.hasProperty(error, "_tag")) {
    // Our own resilience errors: a call timeout is worth another try; an open circuit, a full
    // bulkhead or an exhausted rate budget is not (retrying would hammer the same wall).
    return error._tag === "CallTimeoutError"
  }
  return false
}

const isRetryableReason = (reason: ExchangeErrorReason): boolean => {
  switch (reason._tag) {
    case "RateLimited":
    case "Banned":
    case "Timeout":
    case "Network":
    case "ServerError":
    case "BadResponse":
      return true
    case "BadRequest":
    case "Auth":
    case "NotSupported":
      return false
  }
}

/** The minimum wait the exchange asked for, if any. */
export const retryAfterMs = (error: unknown): number | undefined => {
  if (!(error instanceof ExchangeError)) return undefined
  const reason = error.reason
  return reason._tag === "RateLimited" || reason._tag === "Banned" ? reason.retryAfterMs : undefined
}

/**
 * Does this failure say the endpoint is unhealthy (counts toward opening its circuit)? A bad
 * request or an unsupported method is the caller's fault: the exchange answered fine.
 */
export const isEndpointFailure = (error: unknown): boolean => {
  if (error instanceof ExchangeError) {
    const tag = error.reason._tag
    return tag !== "BadRequest" && tag !== "NotSupported" && tag !== "Auth"
  }
  return true
}
