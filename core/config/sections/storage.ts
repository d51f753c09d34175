/** @module Configuration keys for the event store: where it lives, how long tiers keep events, what it records. */
import { z } from "zod"

export const StoreSettings = z
  .object({
    enabled: z.boolean().default(true),
    path: z.string().min(1).default("./data/virtuoso.db"),
    /** Hot tier in SQLite, then daily gzip NDJSON files, then dropped. */
    hotHours: z
      .number()
      .min(1)
      .max(24 * 365)
      .default(24),
    warmDays: z.number().min(0).max(3650).default(30),
    /**
     * Event types (or `prefix.*` patterns) recorded beside the durable ones, in the order
     * Analysis receives them. The default is every market input an indicator reads (books are
     * already thinned to `exchange.book`), so a replay of the store sees what live saw.
     */
    record: z
      .array(z.string().regex(/^[a-z]+(\.[a-z]+)*(\.\*)?$|^\*$/, "expected an event type or a prefix.* pattern"))
      .default(["market.*"]),
  })
  .strict()
  .prefault({})
