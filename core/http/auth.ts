/**
 * @module Bearer-token guard for mutating and admin routes.
 * The token stays `Redacted` until the comparison, which is constant-time over SHA-256 digests
 * so neither content nor length leaks through timing.
 */
import type { MiddlewareHandler } from "hono"
import { createHash, timingSafeEqual } from "node:crypto"
import { Redacted } from "effect"
import type { ErrorBody } from "./errors.ts"

const digest = (text: string) => createHash("sha256").update(text).digest()

/** True when the request must present the token: anything that is not a read, plus admin paths. */
const needsToken = (method: string, path: string, adminPrefixes: ReadonlyArray<string>): boolean =>
  !(method === "GET" || method === "HEAD" || method === "OPTIONS") ||
  adminPrefixes.some((prefix) => path === prefix || path.startsWith(prefix + "/"))

export interface BearerGuardOptions {
  readonly token: Redacted.Redacted<string>
  /** Paths guarded even for reads (e.g. `/v1/dlq`). */
  readonly adminPrefixes: ReadonlyArray<string>
}

export const bearerGuard = ({ token, adminPrefixes }: BearerGuardOptions): MiddlewareHandler => {
  const expected = digest(Redacted.value(token))
  return async function bearerGuard(c, next) {
    if (!needsToken(c.req.method, c.req.path, adminPrefixes)) return next()
    const header = c.req.header("authorization") ?? ""
    const match = /^Bearer\s+(\S{1,4096})\s*$/i.exec(header)
    if (match === null || !timingSafeEqual(digest(match[1]!), expected)) {
      const body: ErrorBody = { error: "unauthorized", message: "a valid bearer token is required for this route" }
      return c.json(body, 401, { "WWW-Authenticate": 'Bearer realm="virtuoso"' })
    }
    return next()
  }
}
