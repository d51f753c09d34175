/**
 * @module `classifyCcxtError`: turns anything an exchange call threw into an `ExchangeError` with
 * a tagged reason, the host, the HTTP status and the client library's error class.
 *
 * ccxt throws a class hierarchy (NetworkError > RateLimitExceeded, DDoSProtection, RequestTimeout,
 * ExchangeNotAvailable; ExchangeError > AuthenticationError, BadRequest, NotSupported; ...) and
 * folds the HTTP status into the message only. The classifier walks the prototype chain by class
 * name (so importing this module does not load ccxt, ~55 MiB) and reads the status from the
 * message ccxt builds (`<id> [<METHOD> <url> ]<status> <text> <body>`), plus `Retry-After` from
 * the response headers the caller passes (ccxt keeps them in `exchange.last_response_headers`).
 */
import { Cause, Predicate } from "effect"
import {
  Auth,
  BadRequest,
  BadResponse,
  Banned,
  ExchangeError,
  type ExchangeErrorReason,
  type ExchangeErrorReasonTag,
  Network,
  NotSupported,
  RateLimited,
  ServerError,
  Timeout,
} from "./exchange-error.ts"

/** What the caller knows beyond the thrown value. */
export interface ClassifyContext {
  readonly exchange?: string
  readonly operation?: string
  /** Response headers of the failed call (ccxt: `exchange.last_response_headers`). */
  readonly headers?: Readonly<Record<string, string | undefined>> | undefined
  /** Current time (ms), to turn an HTTP-date `Retry-After` into a delay. */
  readonly nowMs?: number
}

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
const hostFromMessage = (message: string): string | undefined => URL_HOST.exec(message)?.[1]

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
const reasonFromStatus = (status: number, retryAfter?: number): ExchangeErrorReason => {
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
      // ccxt raises its generic ExchangeError for any error body it does not know (a 5xx page or
      // a gateway's JSON): the status says whether the request or the server was at fault.
      if (status !== undefined && (status >= 500 || status === 429 || status === 418))
        return reasonFromStatus(status, retryAfter)
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
  // The ccxt plugin stamps `httpStatus` / `retryAfterMs` / `requestHost` from the very response that failed
  // (safer than the shared `last_response_headers`); prefer them when present.
  const stampedStatus =
    Predicate.hasProperty(e, "httpStatus") && Predicate.isNumber(e.httpStatus) ? e.httpStatus : undefined
  const stampedRetry =
    Predicate.hasProperty(e, "retryAfterMs") && Predicate.isNumber(e.retryAfterMs) ? e.retryAfterMs : undefined
  const status = stampedStatus ?? statusFromMessage(message)
  const retryAfter = stampedRetry ?? parseRetryAfter(headerValue(context.headers, "retry-after"), context.nowMs)
  // The original error keeps the unredacted text: drop it rather than leak it into logs.
  const cause = message === raw ? e : undefined
  // ccxt names the URL only in some messages (not in errors raised from a JSON error body); the
  // plugin stamps the host of the request that failed.
  const stampedHost =
    Predicate.hasProperty(e, "requestHost") && Predicate.isString(e.requestHost) ? e.requestHost : undefined
  const host = hostFromMessage(message) ?? stampedHost
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
