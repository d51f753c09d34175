/**
 * @module `/v1/dlq` (list dead letters), `/v1/dlq/replay` (re-deliver some) and `/v1/dlq/discard`
 * (drop some undelivered). Admin: token-guarded.
 */
import { Hono } from "hono"
import { z } from "zod"
import type { HttpDeps } from "../deps.ts"
import { cursorParam, limitParam, validate } from "../validate.ts"
import { notEnabled } from "./respond.ts"

const DlqQuery = z.object({ limit: limitParam().default(100), cursor: cursorParam.optional() }).strict()

const ReplayBody = z
  .object({
    ids: z
      .array(
        z
          .string()
          .min(1)
          .max(128)
          .regex(/^[A-Za-z0-9_\-.:]+$/, "malformed id"),
      )
      .min(1)
      .max(1000),
  })
  .strict()

export const dlqRoutes = (deps: HttpDeps) => {
  const app = new Hono()
  app.get("/v1/dlq", validate("query", DlqQuery), async (c) => {
    if (deps.dlq === undefined) return notEnabled(c, "the dead-letter queue")
    return c.json(await deps.dlq.list(c.req.valid("query")))
  })
  app.post("/v1/dlq/replay", validate("json", ReplayBody), async (c) => {
    if (deps.dlq === undefined) return notEnabled(c, "the dead-letter queue")
    const ids = [...new Set(c.req.valid("json").ids)]
    const result = await deps.dlq.replay(ids)
    deps.log("info", "dlq replay", {
      requested: ids.length,
      replayed: result.replayed.length,
      missing: result.missing.length,
      kept: result.kept.length,
    })
    return c.json(result)
  })
  app.post("/v1/dlq/discard", validate("json", ReplayBody), async (c) => {
    if (deps.dlq === undefined) return notEnabled(c, "the dead-letter queue")
    const ids = [...new Set(c.req.valid("json").ids)]
    const result = await deps.dlq.discard(ids)
    deps.log("info", "dlq discard", { requested: ids.length, discarded: result.discarded.length })
    return c.json(result)
  })
  return app
}
