/**
 * @module Errors a dependency may reject with to choose the HTTP answer, and the JSON error body.
 * Each carries its status, like Hono's `HTTPException`, so the app maps them in one place.
 */

/** The client sent something the backend cannot use (a stale cursor, an impossible range). → 400 */
export class HttpInputError extends Error {
  readonly status = 400 as const
  override readonly name = "HttpInputError"
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/** The thing asked for does not exist. → 404 */
export class HttpNotFoundError extends Error {
  readonly status = 404 as const
  override readonly name = "HttpNotFoundError"
}

/** The backend is down or overloaded for now; the client may retry. → 503 */
export class HttpUnavailableError extends Error {
  readonly status = 503 as const
  override readonly name = "HttpUnavailableError"
}

/** Machine-readable error codes of the JSON error body `{ error, message, issues? }`. */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "not_found"
  | "not_enabled"
  | "method_not_allowed"
  | "payload_too_large"
  | "unavailable"
  | "too_many_streams"
  | "internal"

export interface ErrorBody {
  readonly error: ErrorCode
  readonly message: string
  readonly issues?: unknown
}
