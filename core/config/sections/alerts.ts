/** @module Configuration keys for alert channels and their delivery limits. */
import { z } from "zod"
import { secret, text } from "./fields.ts"

export const AlertsSettings = z
  .object({
    /** Also alert on health status changes of the whole engine. */
    health: z.boolean().default(false),
    /** Log every alert (at info level). */
    log: z.boolean().default(true),
    webhook: z.object({ url: secret }).strict().optional(),
    discord: z
      .object({
        /** Main webhook; per-kind webhooks fall back to it. */
        url: secret,
        signals: secret.optional(),
        liquidations: secret.optional(),
        system: secret.optional(),
      })
      .strict()
      .optional(),
    telegram: z
      .object({
        token: secret,
        chatId: text,
        /** Bot API base URL (override for a local Bot API server or tests). */
        apiUrl: z.string().url().default("https://api.telegram.org"),
      })
      .strict()
      .optional(),
    /** Per-channel delivery rate limit. */
    perMinute: z.number().int().min(1).max(10_000).default(20),
    retry: z
      .object({
        attempts: z.number().int().min(1).max(20).default(3),
        baseMs: z.number().int().min(1).default(1000),
      })
      .strict()
      .prefault({}),
    timeoutMs: z.number().int().min(100).default(10_000),
  })
  .strict()
  .prefault({})
