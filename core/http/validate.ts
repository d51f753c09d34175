/**
 * @module zod validation for every input, answering 400 with the zod issues.
 * Issues carry path, code and message only — zod 4 leaves the offending input out, so nothing
 * a client sent (or a secret in it) is echoed back.
 */
import { zValidator } from "@hono/zod-validator"
import type { Context } from "hono"
import { z } from "zod"
import type { ErrorBody } from "./errors.ts"

type Target = "query" | "param" | "json"

/** The issues of a zod error, whichever zod major produced it (the validator's type allows both). */
interface ZodIssues {
  readonly issues: ReadonlyArray<{
    readonly path: ReadonlyArray<PropertyKey>
    readonly code: string
    readonly message: string
  }>
}

const issuesOf = (error: ZodIssues) =>
  error.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message }))

/** `zValidator` with our 400 body: `{ error: "bad_request", message, issues }`. */
export const validate = <T extends Target, S extends z.ZodType>(target: T, schema: S) =>
  zValidator(target, schema, (result, c: Context) => {
    if (!result.success) {
      const body: ErrorBody = {
        error: "bad_request",
        message: `invalid ${target}`,
        issues: issuesOf(result.error),
      }
      return c.json(body, 400)
    }
  })

/** A page size, 1..max. */
export const limitParam = (max = 1000) =>
  z
    .string()
    .regex(/^\d{1,6}$/, "expected an integer")
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))

/** An opaque pagination cursor as our backends mint them (base64url-ish, bounded). */
export const cursorParam = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_\-.=:~]+$/, "malformed cursor")

/** A time bound: epoch milliseconds or an ISO-8601 date-time; answers ms since epoch. */
export const timeParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = /^\d{1,16}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN
    if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) {
      ctx.addIssue({ code: "custom", message: "expected epoch milliseconds or an ISO-8601 date-time" })
      return z.NEVER
    }
    return ms
  })

/** `from` must not be after `to` when both are given. */
export const orderedRange = <T extends { from?: number | undefined; to?: number | undefined }>(value: T) =>
  value.from === undefined || value.to === undefined || value.from <= value.to

/** Comma-separated list of at most `max` items, each checked by `item`. */
export const csv = <I extends z.ZodType<string, string>>(item: I, max: number) =>
  z
    .string()
    .max(max * 64)
    .transform((text) => text.split(",").map((part) => part.trim()))
    .pipe(z.array(item).min(1).max(max))
