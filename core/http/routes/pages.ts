/**
 * @module `GET /symbols/:symbol`, `GET /plugins-page` and the chart library they load
 * (`/assets/lightweight-charts.js`, served from the installed package).
 */
import { Hono } from "hono"
import { z } from "zod"
import { COMPONENTS, TIMEFRAMES } from "../../market-schema/index.ts"
import type { HttpDeps } from "../deps.ts"
import { CHART_LIBRARY_PATH, chartLibrary } from "../dashboard/chart-library.ts"
import { pluginsPage } from "../dashboard/plugins-page.ts"
import { symbolPage } from "../dashboard/symbol-page.ts"
import { symbolParam } from "../symbol.ts"
import { validate } from "../validate.ts"

const SymbolPath = z.object({ symbol: symbolParam }).strict()
const html = (page: { html: string; csp: string }) =>
  [page.html, 200, { "Content-Security-Policy": page.csp, "Cache-Control": "no-cache" }] as const

export const pageRoutes = (deps: HttpDeps) => {
  const app = new Hono()
  const plugins = pluginsPage()
  app.get("/plugins-page", (c) => c.html(...html(plugins)))
  app.get("/symbols/:symbol", validate("param", SymbolPath), (c) => {
    const symbol = c.req.valid("param").symbol
    const timeframes = deps.candles?.timeframes ?? TIMEFRAMES.slice(0, 4)
    return c.html(...html(symbolPage({ symbol, timeframes, components: COMPONENTS })))
  })
  app.get(CHART_LIBRARY_PATH, (c) => {
    const library = chartLibrary()
    const etag = `"lightweight-charts-${library.version}"`
    if (c.req.header("If-None-Match") === etag) return c.body(null, 304)
    return c.body(library.text, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      ETag: etag,
      "Cache-Control": "public, max-age=3600",
    })
  })
  return app
}
