/**
 * The symbol page against the whole engine on the simulated market (default four timeframes,
 * thresholds near neutral so signals fire within seconds, a 30-candle cooldown so not all the time): every chart is drawn from the
 * engine's own candles and score history, and each chart carries one marker per signal the API
 * lists on its candles.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../core/config/index.ts"
import { TIMEFRAME_MS, type Timeframe } from "../../core/market-schema/index.ts"
import { type RunningApp, startApp } from "../support/app.ts"
import { accessibilityProblems } from "./a11y.ts"
import { type Browser, haveChromium, inkPerChart, launch, watch } from "./browser.ts"

let app: RunningApp | undefined
let browser: Browser | undefined
let dir = ""
const config = (folder: string) => parseConfig({
  http: { port: 0 }, store: { path: join(folder, "v.db") }, plugins: { watch: false },
  exchange: { speed: 20, pollMs: 50 }, log: { level: "warn" }, symbols: { static: ["BTC/USDT"] },
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

/** Polls `read` until `ready` holds (an awaited condition, bounded by the test's timeout). */
const until = async <A>(read: () => Promise<A>, ready: (value: A) => boolean): Promise<A> => {
  for (;;) {
    const value = await read()
    if (ready(value)) return value
    await Bun.sleep(100)
  }
}

describe.skipIf(!haveChromium)("symbol page on a running engine", () => {
  test("charts drawn from the engine's data, one marker per signal in range", async () => {
    const url = app!.url()
    const api = async (path: string) => (await fetch(new URL(path, url))).json() as Promise<any>
    await until(() => api("/v1/signals?symbol=BTC-USDT&limit=1000"), (page) => page.items.length >= 2)
    await until(() => api("/v1/confluence/BTC-USDT/history?timeframe=1m"), (page) => page.count >= 3)

    const page = await browser!.context.newPage()
    const problems = watch(page, url.replace(/\/$/, ""))
    await page.goto(new URL("/symbols/BTC-USDT", url).href)
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 })
    const ink = await inkPerChart(page)
    const timeframes = Object.keys(config(dir).timeframes) as Array<Timeframe>
    expect(timeframes.length).toBe(4)
    // Signals keep firing: the page adds them live, the API lists them once committed. Wait until
    // one read of the API and the page agree, for every chart, on the signals inside its range.
    const agreed = await until(async () => {
      const signals = (await api("/v1/signals?symbol=BTC-USDT&limit=1000")).items as Array<{ time: number }>
      return Promise.all(timeframes.map(async (tf) => {
        const candles = (await api(`/v1/candles/BTC-USDT?timeframe=${tf}&limit=5000`)).items as Array<{ time: number }>
        const step = TIMEFRAME_MS[tf]
        // A signal on a candle still open has no bar to sit on yet.
        const bar = (time: number) => Math.floor(time / step) * step
        const inRange = signals.filter((s) => bar(s.time) >= candles[0]!.time && bar(s.time) <= candles.at(-1)!.time).length
        return { tf, inRange, markers: Number(await page.getAttribute(`#chart-${tf}`, "data-markers")) }
      }))
    }, (rows) => rows.every((row) => row.markers === row.inRange))
    expect(agreed.every((row) => row.inRange >= 2)).toBe(true)
    for (const tf of timeframes) {
      expect(ink[`chart-${tf}`]).toBeGreaterThan(2000)
      expect(Number(await page.getAttribute(`#chart-${tf}`, "data-candles"))).toBeGreaterThan(0)
    }
    expect(await page.textContent("#contributors-1m")).not.toBe("")
    expect(await accessibilityProblems(page)).toEqual([])
    await page.screenshot({ path: join(browser!.dir, "symbol-page-engine.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)
})
