/** @module Small shared answers of the route groups. */
import type { Context } from "hono"
import type { ErrorBody } from "../errors.ts"

/** The group's dependency is switched off or not wired in this process. */
export const notEnabled = (c: Context, what: string, status: 404 | 503 = 404) =>
  c.json<ErrorBody>({ error: "not_enabled", message: `${what} is not enabled` }, status)

export const notFound = (c: Context, message: string) => c.json<ErrorBody>({ error: "not_found", message }, 404)
