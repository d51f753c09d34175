/**
 * The symbol page against the whole engine on the simulated market (default four timeframes,
 * thresholds near neutral so signals fire within seconds, a 30-candle cooldown so not all the
 * time): every chart is drawn from the engine's own candles and score history, and each chart
 * carries one marker per signal the API lists on its candles.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../core/config/index.ts"
import { TIMEFRAME_MS, type Timeframe } from "../../core/market-schema/index.ts"
import { type RunningApp, startApp } from "../support/app.ts"
import { eventually } from "../support/eventually.ts"
import { accessibilityProblems } from "./a11y.ts"
import { type Browser, haveChromium, inkPerChart, keepScreenshot, launch, watch } from "./browser.ts"

let app: RunningApp | undefined
let browser: Browser | undefined
let dir = ""
const config = (folder: string) =>
  parseConfig({
    http: { port: 0 },
    store: { path: join(folder, "v.db") },
    plugins: { watch: false },
    exchange: { speed: 20, pollMs: 50 },
    log: { level: "warn" },
    symbols: { static: ["BTC/USDT"] },
    signals: { longAt: 52, shortAt: 48, neutralBuffer: 0.5, cooldownMs: 30 * 60_000, minAgreement: 0 },
    alerts: { log: false },
  })

beforeAll(async () => {
  if (!haveChromium) return
  dir = mkdtempSync(join(tmpdir(), "virtuoso-symbol-page-"))
  app = await startApp(config(dir))
  browser = await launch()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
})

/** Polls `read` until `ready` holds; fails naming `what`, with the last reading, after 40 s. */
const until = <A>(what: string, read: () => Promise<A>, ready: (value: A) => boolean): Promise<A> =>
  eventually(what, read, ready, { timeoutMs: 40_000, intervalMs: 100 })

describe.skipIf(!haveChromium)("symbol page on a running engine", () => {
  test("charts drawn from the engine's data, one marker per signal in range", async () => {
    const url = app!.url()
    const api = async (path: string) => (await fetch(new URL(path, url))).json() as Promise<any>
    await until(
      "two BTC signals",
      () => api("/v1/signals?symbol=BTC-USDT&limit=1000"),
      (page) => page.items.length >= 2,
    )
    await until(
      "three 1m history points",
      () => api("/v1/confluence/BTC-USDT/history?timeframe=1m"),
      (page) => page.count >= 3,
    )

    const page = await browser!.context.newPage()
    const problems = watch(page, url.replace(/\/$/, ""))
    await page.goto(new URL("/symbols/BTC-USDT", url).href)
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 })
    const ink = await inkPerChart(page)
    const timeframes = Object.keys(config(dir).timeframes) as Array<Timeframe>
    expect(timeframes.length).toBe(4)
    // Signals keep firing: the page adds them live, the API lists them once committed. For each
    // chart: every marker is a signal the API lists, and every signal the API lists on the chart's
    // candles, up to the newest the page has seen, is a marker — one marker per signal.
    const agreed = await until(
      "every chart's markers to match the signals the API lists",
      async () => {
        const charts = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>(".chart")].map((box) => ({
            tf: box.id.slice("chart-".length),
            markers: Number(box.dataset.markers),
            ids: (box.dataset.signals ?? "").split(" ").filter(Boolean),
            firstCandle: Number(box.dataset.firstCandle),
            lastCandle: Number(box.dataset.lastCandle),
          })),
        )
        const signals = (await api("/v1/signals?symbol=BTC-USDT&limit=1000")).items as Array<{
          id: string
          time: number
        }>
        const byId = new Map(signals.map((s) => [s.id, s]))
        return Promise.all(
          charts.map(async (chart) => {
            const candles = (await api(`/v1/candles/BTC-USDT?timeframe=${chart.tf}&limit=5000`)).items as Array<{
              time: number
            }>
            const step = TIMEFRAME_MS[chart.tf as Timeframe]
            const bar = (time: number) => Math.floor(time / step) * step
            const newest = Math.max(...chart.ids.map((id) => byId.get(id)?.time ?? Infinity))
            // The chart keeps the candles it loaded as new ones arrive, so its range can be wider than the API's.
            expect(chart.firstCandle).toBeLessThanOrEqual(candles[0]!.time)
            const expected = signals.filter(
              (s) => bar(s.time) >= chart.firstCandle && bar(s.time) <= chart.lastCandle && s.time <= newest,
            )
            return { ...chart, expected: expected.map((s) => s.id).sort(), shown: [...chart.ids].sort() }
          }),
        )
      },
      (rows) =>
        rows.every(
          (row) => row.markers === row.ids.length && JSON.stringify(row.expected) === JSON.stringify(row.shown),
        ),
    )
    expect(agreed.map((row) => row.tf)).toEqual(timeframes)
    // Signals fire within the last few (simulated) hours, mostly inside the newest 4h candle, still
    // open; the 1m chart has them all.
    expect(agreed.find((row) => row.tf === "1m")!.markers).toBeGreaterThanOrEqual(2)
    for (const tf of timeframes) {
      expect(ink[`chart-${tf}`]).toBeGreaterThan(2000)
      expect(Number(await page.getAttribute(`#chart-${tf}`, "data-candles"))).toBeGreaterThan(0)
    }
    expect(await page.textContent("#contributors-1m")).not.toBe("")
    expect(await accessibilityProblems(page)).toEqual([])
    const shot = join(browser!.dir, "symbol-page-engine.png")
    await page.screenshot({ path: shot, fullPage: true })
    keepScreenshot(shot)
    // The first screen (header, 1m chart, its contributors): the README's picture.
    const top = join(browser!.dir, "symbol-page.png")
    await page.screenshot({ path: top })
    keepScreenshot(top)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test("the plugins page lists every plugin the engine reports", async () => {
    const url = app!.url()
    const listed = (await (await fetch(new URL("/v1/plugins", url))).json()) as {
      items: Array<{ name: string; state: string }>
    }
    expect(listed.items.length).toBeGreaterThan(10)
    const page = await browser!.context.newPage()
    const problems = watch(page, url.replace(/\/$/, ""))
    await page.goto(new URL("/plugins-page", url).href)
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 })
    expect(await page.locator("#plugins tr").count()).toBe(listed.items.length)
    const first = listed.items[0]!
    expect(await page.textContent(`tr[data-plugin="${first.name}"]`)).toContain(first.state)
    expect(await accessibilityProblems(page)).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)
})
