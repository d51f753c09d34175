/**
 * Symbol page render time in headless chromium: 4 timeframes × 1 000 candles (plus 1 000 score
 * points each and six signals) from a real server over in-memory deps. One warm-up load, then
 * REPS loads; reports the medians of: data fetched, charts built, first frame painted with the
 * charts (ms since navigation start, the page's own `performance.now()`). Exits 1 when the
 * median to the painted frame is 500 ms or more.
 *   bun run bench:page
 */
import { Effect, Exit, Layer, Scope } from "effect"
import { HttpServer } from "../../core/http/http-server.ts"
import { memoryDeps } from "../core/http/memory-deps.ts"
import { symbolFixture } from "../core/http/symbol-memory-deps.ts"
import { haveChromium, launch } from "../e2e/browser.ts"

const REPS = 9
const BUDGET_MS = 500
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

if (!haveChromium) throw new Error("bench:page needs /usr/bin/chromium (apt-get install -y chromium)")
const scope = Effect.runSync(Scope.make())
const context = await Effect.runPromise(
  Layer.buildWithScope(HttpServer.layerWith({ port: 0 }, { ...memoryDeps(), ...symbolFixture(1000, 6).deps }), scope),
)
const url = new URL("/symbols/BTC-USDT", (context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]).url).href
const browser = await launch()
const rows: Array<{ data: number; built: number; painted: number }> = []
try {
  const page = await browser.context.newPage()
  for (let i = 0; i <= REPS; i++) {
    await page.goto(url)
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 })
    const row = await page.evaluate(() => ({
      data: performance.getEntriesByName("data-loaded")[0]!.startTime,
      built: performance.getEntriesByName("charts-built")[0]!.startTime,
      painted: Number(document.body.dataset.renderMs),
    }))
    if (i > 0) rows.push(row)
  }
} finally {
  await browser.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
}
const line = (name: string, pick: (r: (typeof rows)[number]) => number) => {
  const values = rows.map(pick)
  const range = `(min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`
  return `${name.padEnd(28)} ${median(values).toFixed(0).padStart(6)} ms   ${range}`
}
console.log(
  `symbol page, 4 timeframes × 1000 candles, median of ${REPS} loads after one warm-up (ms since navigation start)`,
)
console.log(line("data fetched (13 requests)", (r) => r.data))
console.log(line("charts built", (r) => r.built))
console.log(line("first frame with the charts", (r) => r.painted))
const painted = median(rows.map((r) => r.painted))
console.log(painted < BUDGET_MS ? `within the ${BUDGET_MS} ms budget` : `OVER the ${BUDGET_MS} ms budget`)
process.exitCode = painted < BUDGET_MS ? 0 : 1
