/** @module `GET /`: the live dashboard page. */
import { Hono } from "hono"
import { COMPONENT_NAMES } from "../../config/index.ts"
import { TIMEFRAMES } from "../../market/schema.ts"
import { dashboardPage } from "../dashboard/page.ts"

export const dashboardRoutes = () => {
  const app = new Hono()
  const page = dashboardPage({ components: COMPONENT_NAMES, timeframes: TIMEFRAMES })
  app.get("/", (c) => c.html(page.html, 200, { "Content-Security-Policy": page.csp, "Cache-Control": "no-cache" }))
  return app
}
