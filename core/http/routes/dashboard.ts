/** @module `GET /`: the live dashboard page. */
import { Hono } from "hono"
import { COMPONENTS, TIMEFRAMES } from "../../market-schema/index.ts"
import { dashboardPage } from "../dashboard/page.ts"

export const dashboardRoutes = () => {
  const app = new Hono()
  const page = dashboardPage({ components: COMPONENTS, timeframes: TIMEFRAMES })
  app.get("/", (c) => c.html(page.html, 200, { "Content-Security-Policy": page.csp, "Cache-Control": "no-cache" }))
  // Browsers ask for it on every page load; an empty answer keeps their consoles (and logs) clean.
  app.get("/favicon.ico", (c) => c.body(null, 204, { "Cache-Control": "max-age=86400" }))
  return app
}
