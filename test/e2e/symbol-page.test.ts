/**
 * The symbol and plugins pages in headless chromium, against a real server over in-memory deps
 * (4 timeframes × 1 000 candles, known signals): charts drawn, one marker per signal, live
 * updates, accessibility basics, no request leaving the origin. Screenshots go to the test's temp
 * folder (`VIRTUOSO_SCREENSHOTS=dir` keeps a copy).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { join } from "node:path"
import { HttpServer } from "../../core/http/http-server.ts"
import { memoryDeps } from "../core/http/memory-deps.ts"
import { open } from "../core/http/open-layer.ts"
import { SYMBOL_TIMEFRAMES, symbolFixture } from "../core/http/symbol-memory-deps.ts"
import { accessibilityProblems } from "./a11y.ts"
import { type Browser, haveChromium, inkPerChart, keepScreenshot, launch, watch } from "./browser.ts"

const fixture = symbolFixture(1000, 6)
const deps = {
  ...memoryDeps(),
  ...fixture.deps,
  plugins: {
    list: async () => [
      {
        name: "rsi-14",
        kind: "indicator",
        component: "technical",
        state: "active",
        weight: 1,
        calls: 1200,
        errors: 0,
        lastError: null,
        lastErrorAt: null,
        retryAt: null,
        meanMicros: 12.5,
        p99Micros: 40,
      },
      {
        name: "flaky",
        kind: "indicator",
        component: "orderflow",
        state: "quarantined",
        weight: 0.5,
        calls: 30,
        errors: 4,
        lastError: "score NaN",
        lastErrorAt: Date.now(),
        retryAt: Date.now() + 30_000,
        meanMicros: 1500,
        p99Micros: 9000,
      },
    ],
  },
}
let server: { readonly close: () => Promise<void> } | undefined
let browser: Browser | undefined
let url = ""

beforeAll(async () => {
  if (!haveChromium) return
  const opened = await open(HttpServer.layerWith({ port: 0, stream: { heartbeatMs: 1000 } }, deps))
  server = opened
  url = (opened.context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]).url
  browser = await launch()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe.skipIf(!haveChromium)("symbol page in chromium", () => {
  test("draws 4 timeframes × 1 000 candles, one marker per signal, accessible, live", async () => {
    const page = await browser!.context.newPage()
    const problems = watch(page, url.replace(/\/$/, ""))
    // Warm the chart library into the cache, as a returning user has it.
    await page.goto(new URL("/assets/lightweight-charts.js", url).href)
    await page.goto(new URL("/symbols/BTC-USDT", url).href)
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 })
    const renderMs = Number(await page.getAttribute("body", "data-render-ms"))
    console.log(`symbol page ready ${renderMs.toFixed(0)} ms after navigation (4 × 1000 candles)`)
    // The 500 ms budget is measured by `bun run bench:page` (median of runs); on a shared, loaded
    // machine a single load is no measurement, so here it only has to finish.
    expect(renderMs).toBeGreaterThan(0)

    const ink = await inkPerChart(page)
    for (const tf of SYMBOL_TIMEFRAMES) {
      expect(ink[`chart-${tf}`]).toBeGreaterThan(5000)
      expect(await page.getAttribute(`#chart-${tf}`, "data-candles")).toBe("1000")
    }
    // Every signal falls inside each timeframe's 1 000 candles: each chart carries all of them.
    const api = (await (await fetch(new URL("/v1/signals?symbol=BTC-USDT&limit=1000", url))).json()) as {
      items: Array<unknown>
    }
    expect(api.items.length).toBe(6)
    for (const tf of SYMBOL_TIMEFRAMES)
      expect(Number(await page.getAttribute(`#chart-${tf}`, "data-markers"))).toBe(api.items.length)

    expect(await page.textContent("#contributors-1m")).toContain("rsi-14")
    expect(await page.textContent("#thresholds")).toBe("long ≥ 70, short ≤ 35")
    expect(await accessibilityProblems(page)).toEqual([])

    // Live: a pushed overall score shows up, a pushed signal becomes one more marker.
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "live", undefined, {
      timeout: 10_000,
    })
    const last = fixture.bars.get("1m")!.at(-1)!
    deps.hub.publish({
      event: "confluence",
      data: { symbol: "BTC/USDT", timeframe: "all", score: 77.7, components: {}, time: last.time },
    })
    await page.waitForFunction(() => document.getElementById("overall-score")?.textContent === "77.7", undefined, {
      timeout: 10_000,
    })
    deps.hub.publish({
      event: "signal",
      data: { symbol: "BTC/USDT", type: "long", direction: "long", timeframe: "all", score: 77.7, time: last.time },
    })
    await page.waitForFunction(() => document.getElementById("chart-1m")?.dataset.markers === "7", undefined, {
      timeout: 10_000,
    })

    const shot = join(browser!.dir, "symbol-page.png")
    await page.screenshot({ path: shot, fullPage: true })
    expect((await Bun.file(shot).arrayBuffer()).byteLength).toBeGreaterThan(10_000)
    keepScreenshot(shot)
    expect(problems).toEqual([])
    await page.close()
  }, 30_000)

  test("the heatmap links each row to its symbol page", async () => {
    const page = await browser!.context.newPage()
    await page.goto(url)
    await page.waitForSelector('#heatmap a[href="/symbols/BTC-USDT"]', { timeout: 10_000 })
    expect(await accessibilityProblems(page)).toEqual([])
    await page.close()
  }, 30_000)

  test("the plugins page shows state, timings, errors and a quarantine countdown", async () => {
    const page = await browser!.context.newPage()
    const problems = watch(page, url.replace(/\/$/, ""))
    await page.goto(new URL("/plugins-page", url).href)
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 })
    expect(await page.locator("#plugins tr").count()).toBe(2)
    const flaky = await page.textContent('tr[data-plugin="flaky"]')
    expect(flaky).toContain("quarantined")
    expect(flaky).toContain("1.50 ms")
    expect(flaky).toContain("9.00 ms")
    expect(flaky).toContain("score NaN")
    expect(flaky).toMatch(/retry in (29|30) s/)
    expect(await page.textContent("#count")).toBe("2 plugins, 1 quarantined")
    expect(await accessibilityProblems(page)).toEqual([])
    await page.screenshot({ path: join(browser!.dir, "plugins-page.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  }, 30_000)
})
