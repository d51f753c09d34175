/** @module Field types several configuration sections share. */
import { Redacted } from "effect"
import { z } from "zod"
import { TIMEFRAMES } from "../../market-schema/index.ts"

/** A secret: a non-empty string that leaves the schema wrapped in `Redacted`. */
export const secret = z
  .string()
  .min(1, "must not be empty")
  .transform((value) => Redacted.make(value))

/** Env values arrive JSON-parsed, so "123" becomes 123; string keys accept numbers back. */
export const text = z.union([z.string(), z.number().transform(String)])

export const timeframe = z.enum(TIMEFRAMES)
