/**
 * @module `ExchangeError`: the one error every exchange call fails with, and the ONE place that
 * decides what a failure means (retry or not, how long to wait, whether it trips a breaker).
 *
 * ccxt throws a class hierarchy (NetworkError > RateLimitExceeded, DDoSProtection, RequestTimeout,
 * ExchangeNotAvailable; ExchangeError > AuthenticationError, BadRequest, NotSupported; ...) and
 * folds the HTTP status into the message only. `classifyCcxtError` walks the prototype chain by
 * class name (so importing this module does not load ccxt, ~55 MiB) and reads the status from
 * the message ccxt builds (`<id> [<METHOD> <url> ]<status> <text> <body>`), plus `Retry-After`
 * from the response headers the caller passes (ccxt keeps them in `exchange.last_response_headers`).
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

/** What the caller knows beyond the thrown value. */
export interface ClassifyContext {
  readonly exchange?: string
  readonly operation?: string
  /** Response headers of the failed call (ccxt: `exchange.last_response_headers`). */
  readonly headers?: Readonly<Record<string, string | undefined>> | undefined
  /** Current time (ms), to turn an HTTP-date `Retry-After` into a delay. */
  readonly nowMs?: number
}

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

export const isRetryableReason = (reason: ExchangeErrorReason): boolean => {
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

// ---------------------------------------------------------------------------------------------
// Classification

/** ccxt class name → reason, most specific first (names from ccxt's errorHierarchy). */
const CCXT_CLASS_REASON: ReadonlyArray<readonly [string, ExchangeErrorReasonTag]> = [
  ["RequestTimeout", "Timeout"],
  ["RateLimitExceeded", "RateLimited"],
  ["DDoSProtection", "RateLimited"], // 418 is refined to Banned by status below
  ["OnMaintenance", "ServerError"],
  ["ExchangeNotAvailable", "ServerError"], // refined to BadRequest for 4xx statuses below
  ["InvalidNonce", "Network"],
  ["NetworkError", "Network"],
  ["NullResponse", "BadResponse"],
  ["BadResponse", "BadResponse"],
  ["AuthenticationError", "Auth"],
  ["PermissionDenied", "Auth"],
  ["AccountSuspended", "Auth"],
  ["NotSupported", "NotSupported"],
  ["BadSymbol", "BadRequest"],
  ["BadRequest", "BadRequest"],
  ["ArgumentsRequired", "BadRequest"],
  ["InvalidOrder", "BadRequest"],
  ["InsufficientFunds", "BadRequest"],
  ["OperationRejected", "BadRequest"],
  ["InvalidAddress", "BadRequest"],
  ["ExchangeClosedByUser", "Network"],
  ["ExchangeError", "BadRequest"],
  ["OperationFailed", "ServerError"],
]

const classNames = (e: object): Set<string> => {
  const names = new Set<string>()
  let proto: unknown = Object.getPrototypeOf(e)
  while (proto !== null && proto !== Object.prototype && Predicate.isObject(proto)) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor
    if (ctor !== undefined && Predicate.isString(ctor.name)) names.add(ctor.name)
    proto = Object.getPrototypeOf(proto)
  }
  if (Predicate.hasProperty(e, "name") && Predicate.isString(e.name)) names.add(e.name)
  return names
}

/** The most specific class name of a thrown value (`Error` subclasses keep their own). */
const classOf = (e: object): string | undefined => {
  const name = (Object.getPrototypeOf(e) as { constructor?: { name?: unknown } } | null)?.constructor?.name
  return Predicate.isString(name) && name !== "Object" ? name : undefined
}

// ccxt: "<id> <METHOD> <scheme>://<host>[:port]/path ..." — the host a user can check.
const URL_HOST = /\b(?:https?|wss?):\/\/([^/\s?#]+)/

/** The host:port named in an error message, if any. */
export const hostFromMessage = (message: string): string | undefined => URL_HOST.exec(message)?.[1]

// "<id> <status> <text> ..." or "<id> <METHOD> <url> <status> <text> ..." (the url has no spaces)
const STATUS_IN_MESSAGE = /^\S+ (?:[A-Z]+ \S+ )?([1-5]\d\d)(?: |$)/

/** The HTTP status ccxt put in its message, if any. */
export const statusFromMessage = (message: string): number | undefined => {
  const m = STATUS_IN_MESSAGE.exec(message)
  return m === null ? undefined : Number(m[1])
}

/** `Retry-After` in ms: delta-seconds or an HTTP-date (needs `nowMs`). */
export const parseRetryAfter = (value: string | undefined, nowMs?: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at) || nowMs === undefined) return undefined
  return Math.max(0, at - nowMs)
}

const headerValue = (headers: ClassifyContext["headers"], name: string): string | undefined => {
  if (headers === undefined) return undefined
  const wanted = name.toLowerCase()
  for (const key in headers) if (key.toLowerCase() === wanted) return headers[key]
  return undefined
}

/** Reason for a bare HTTP status (for adapters that see statuses directly). */
export const reasonFromStatus = (status: number, retryAfter?: number): ExchangeErrorReason => {
  if (status === 429) return new RateLimited({ retryAfterMs: retryAfter })
  if (status === 418) return new Banned({ retryAfterMs: retryAfter })
  if (status === 408 || status === 504) return new Timeout()
  if (status === 401 || status === 403 || status === 407 || status === 511) return new Auth()
  if (status === 501) return new NotSupported()
  if (status >= 500) return new ServerError({ status })
  if (status >= 400) return new BadRequest({ status })
  return new BadResponse()
}

const reasonFromTag = (
  tag: ExchangeErrorReasonTag,
  status: number | undefined,
  retryAfter: number | undefined,
): ExchangeErrorReason => {
  switch (tag) {
    case "RateLimited":
      return status === 418 ? new Banned({ retryAfterMs: retryAfter }) : new RateLimited({ retryAfterMs: retryAfter })
    case "Banned":
      return new Banned({ retryAfterMs: retryAfter })
    case "Timeout":
      return new Timeout()
    case "Network":
      return new Network()
    case "ServerError":
      // ccxt maps 400/403/404/... to ExchangeNotAvailable too; the status tells them apart.
      if (status !== undefined && status >= 400 && status < 500) return reasonFromStatus(status, retryAfter)
      return new ServerError({ status })
    case "BadRequest":
      return new BadRequest({ status })
    case "Auth":
      return new Auth()
    case "NotSupported":
      return new NotSupported()
    case "BadResponse":
      return new BadResponse()
  }
}

// ccxt puts the request URL in its messages; signed calls carry a signature/key in the query.
const SECRET_PARAMS = /([?&](?:signature|sign|apikey|api_key|key|passphrase|token|timestamp)=)[^&\s]+/gi
export const redactMessage = (message: string): string => message.replace(SECRET_PARAMS, "$1<redacted>")

const messageOf = (e: unknown): string =>
  e instanceof Error
    ? Predicate.isString(e.message) && e.message !== ""
      ? e.message
      : e.name
    : Predicate.isString(e)
      ? e
      : (() => {
          try {
            return JSON.stringify(e) ?? String(e)
          } catch {
            return String(e)
          }
        })()

/**
 * Turn anything an exchange call threw into an `ExchangeError`. ccxt errors map by class (and
 * status); `AbortError`/`TimeoutError` → Timeout; fetch `TypeError`s and socket errors → Network;
 * `SyntaxError` → BadResponse; anything else → BadResponse (a reply we could not use).
 */
export const classifyCcxtError = (e: unknown, context: ClassifyContext = {}): ExchangeError => {
  if (e instanceof ExchangeError) return e
  const exchange =
    context.exchange ??
    (Predicate.hasProperty(e, "exchange") && Predicate.isString(e.exchange) ? e.exchange : "unknown")
  const raw = messageOf(e)
  const message = redactMessage(raw)
  // The ccxt plugin stamps `httpStatus` / `retryAfterMs` from the very response that failed
  // (safer than the shared `last_response_headers`); prefer them when present.
  const stampedStatus =
    Predicate.hasProperty(e, "httpStatus") && Predicate.isNumber(e.httpStatus) ? e.httpStatus : undefined
  const stampedRetry =
    Predicate.hasProperty(e, "retryAfterMs") && Predicate.isNumber(e.retryAfterMs) ? e.retryAfterMs : undefined
  const status = stampedStatus ?? statusFromMessage(message)
  const retryAfter = stampedRetry ?? parseRetryAfter(headerValue(context.headers, "retry-after"), context.nowMs)
  // The original error keeps the unredacted text: drop it rather than leak it into logs.
  const cause = message === raw ? e : undefined
  const host = hostFromMessage(message)
  const errorClass = Predicate.isObject(e) ? classOf(e) : undefined
  const make = (reason: ExchangeErrorReason) =>
    new ExchangeError({
      exchange,
      operation: context.operation,
      message,
      reason,
      cause,
      ...(host === undefined ? {} : { host }),
      ...(status === undefined ? {} : { status }),
      ...(errorClass === undefined ? {} : { errorClass }),
    })

  if (Cause.isTimeoutError(e)) return make(new Timeout())
  if (!Predicate.isObject(e)) return make(new BadResponse())
  const names = classNames(e)
  for (const [name, tag] of CCXT_CLASS_REASON) {
    if (names.has(name)) return make(reasonFromTag(tag, status, retryAfter))
  }
  if (names.has("AbortError") || names.has("TimeoutError")) return make(new Timeout())
  if (names.has("SyntaxError")) return make(new BadResponse())
  const code = Predicate.hasProperty(e, "code") ? e.code : undefined
  if (Predicate.isString(code) && /^(E[A-Z]+|ConnectionRefused|ConnectionClosed|FailedToOpenSocket)$/.test(code)) {
    return code === "ETIMEDOUT" ? make(new Timeout()) : make(new Network())
  }
  if (names.has("TypeError") && /fetch|network|socket|connect/i.test(message)) return make(new Network())
  if (status !== undefined) return make(reasonFromStatus(status, retryAfter))
  return make(new BadResponse())
}
