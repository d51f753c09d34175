/** @module `/health`, `/health/live`, `/health/ready` and `/metrics`. */
import { Hono } from "hono"
import type { HttpDeps } from "../deps.ts"
import { notEnabled } from "./respond.ts"

export const healthRoutes = (deps: HttpDeps) => {
  const app = new Hono()
  const health = deps.health
  app.get("/health", async (c) => {
    if (health === undefined) return notEnabled(c, "health reporting", 503)
    const answer = await health.report()
    return c.json(answer.body, answer.status)
  })
  app.get("/health/live", async (c) => {
    // Answering at all proves the process and its event loop are alive.
    if (health === undefined) return c.json({ status: "up" }, 200)
    const answer = await health.live()
    return c.json(answer.body, answer.status)
  })
  app.get("/health/ready", async (c) => {
    if (health === undefined) return notEnabled(c, "readiness reporting", 503)
    const answer = await health.ready()
    return c.json(answer.body, answer.status)
  })
  app.get("/metrics", async (c) => {
    if (deps.metrics === undefined) return notEnabled(c, "metrics")
    const text = await deps.metrics.render()
    return c.body(text, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" })
  })
  return app
}
