/**
 * @module Decodes a `signal.emitted` payload as a full `Signal`. The catalogue only requires the
 * fields every subscriber reads (symbol, direction, score); alerts need the whole trade plan, so
 * they decode the payload here instead of trusting its shape (it may come from the store, Redis
 * or an importer).
 */
import { z } from "zod"
import { COMPONENTS, TIMEFRAMES } from "../market-schema/index.ts"
import type { Signal } from "./schema.ts"

const side = z.enum(["long", "short"])
const nullableNumber = z.number().nullable()

const SignalSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  type: side,
  direction: side,
  timeframe: z.union([z.enum(TIMEFRAMES), z.literal("all")]),
  time: z.number(),
  score: z.number(),
  consensus: nullableNumber,
  confidence: nullableNumber,
  agreement: z.number(),
  components: z.partialRecord(z.enum(COMPONENTS), nullableNumber),
  topIndicators: z.array(
    z.object({
      name: z.string(),
      component: z.enum(COMPONENTS),
      score: z.number(),
      contribution: z.number(),
    }),
  ),
  price: z.number(),
  thresholds: z.object({
    longAt: z.number(),
    shortAt: z.number(),
    neutralBuffer: z.number(),
    cooldownMs: z.number(),
    minAgreement: z.number(),
  }),
  interpretation: z.string(),
  trade: z.object({
    entry: z.number(),
    stop: nullableNumber,
    targets: z.array(z.number()),
    atr: nullableNumber,
    riskReward: z.array(z.number()),
  }),
})

export type SignalDecode =
  | { readonly ok: true; readonly signal: Signal }
  | { readonly ok: false; readonly error: string }

/** The payload as a `Signal`, or the first problems found (path: message), for the dead-letter entry. */
export const decodeSignal = (payload: unknown): SignalDecode => {
  const result = SignalSchema.safeParse(payload)
  if (result.success) return { ok: true, signal: result.data }
  const problems = result.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "payload"}: ${i.message}`)
  return { ok: false, error: `signal.emitted payload is not a signal (${problems.join("; ")})` }
}
