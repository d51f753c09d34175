/**
 * @module lightweight-charts' standalone build (it defines the global `LightweightCharts`), read
 * from the installed package — pages load it from this origin, never from a CDN, and the replay
 * report inlines the same text.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

/** Where the pages load it from. */
export const CHART_LIBRARY_PATH = "/assets/lightweight-charts.js"

let cached: { readonly text: string; readonly version: string } | undefined

/** The library's source text and version (read once, then kept). */
export const chartLibrary = () => {
  if (cached === undefined) {
    const require = createRequire(import.meta.url)
    const root = dirname(require.resolve("lightweight-charts/package.json"))
    const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version
    cached = { text: readFileSync(join(root, "dist", "lightweight-charts.standalone.production.js"), "utf8"), version }
  }
  return cached
}
