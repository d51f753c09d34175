/**
 * @module Secrets as plugins see them: credentials from the config arrive wrapped, so logging
 * or serialising a config never prints them. A plugin unwraps one only where it signs a request.
 */
import { Redacted } from "effect"

/** A wrapped secret string; `String(secret)` and `JSON.stringify` show `<redacted>`. */
export type Secret = Redacted.Redacted<string>

export const secret = (value: string): Secret => Redacted.make(value)

export const isSecret = (value: unknown): value is Secret =>
  Redacted.isRedacted(value) && typeof Redacted.value(value) === "string"

/** The plain string; call it at the point of use and never keep the result. */
export const revealSecret = (value: Secret): string => Redacted.value(value)
