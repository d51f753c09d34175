/** @module `/v1/signals`, `/v1/events`, `/v1/plugins`: paginated reads of other services. */
import { Hono } from "hono"
import { z } from "zod"
import { TIMEFRAMES } from "../../market-schema/index.ts"
import type { HttpDeps } from "../deps.ts"
import { symbolParam } from "../symbol.ts"
import { cursorParam, limitParam, orderedRange, timeParam, validate } from "../validate.ts"
import { notEnabled } from "./respond.ts"

const RANGE_MESSAGE = { message: "from must not be after to", path: ["from"] }

/** Dotted lower-case type, optionally ending in `.*` for a prefix match (`market.*`); the store's own rule. */
const eventType = z
  .string()
  .max(100)
  .regex(/^[a-z]+(\.[a-z]+)*(\.\*)?$/, "expected an event type like market.candle.closed or market.*")

const EventsQuery = z
  .object({
    type: eventType.optional(),
    symbol: symbolParam.optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    limit: limitParam().default(100),
    cursor: cursorParam.optional(),
    order: z.enum(["asc", "desc"]).default("asc"),
  })
  .strict()
  .refine(orderedRange, RANGE_MESSAGE)

const SignalsQuery = z
  .object({
    symbol: symbolParam.optional(),
    timeframe: z.enum(["all", ...TIMEFRAMES]).optional(),
    kind: z
      .string()
      .max(32)
      .regex(/^[a-z][a-z0-9_-]*$/, "expected a lower-case kind such as long or short")
      .optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    limit: limitParam().default(50),
    cursor: cursorParam.optional(),
    order: z.enum(["asc", "desc"]).default("desc"),
  })
  .strict()
  .refine(orderedRange, RANGE_MESSAGE)

const NoQuery = z.object({}).strict()

export const queryRoutes = (deps: HttpDeps) => {
  const app = new Hono()
  app.get("/v1/events", validate("query", EventsQuery), async (c) => {
    if (deps.events === undefined) return notEnabled(c, "the event store")
    return c.json(await deps.events.query(c.req.valid("query")))
  })
  app.get("/v1/signals", validate("query", SignalsQuery), async (c) => {
    if (deps.signals === undefined) return notEnabled(c, "signals")
    return c.json(await deps.signals.query(c.req.valid("query")))
  })
  app.get("/v1/plugins", validate("query", NoQuery), async (c) => {
    if (deps.plugins === undefined) return notEnabled(c, "the plugin host")
    const items = await deps.plugins.list()
    // `now` lets a page count down quarantines against the engine's clock.
    return c.json({ items, count: items.length, now: Date.now() })
  })
  return app
}
