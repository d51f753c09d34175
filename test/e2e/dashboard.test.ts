/**
 * The dashboard in a real browser: Debian's chromium (headless, via playwright-core) loads `GET /`
 * from a real server whose deps push changing scores over `/v1/stream`; the heatmap must show
 * the scores and then show them change. Missing chromium fails under CI and skips elsewhere.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BrowserContext, chromium } from "playwright-core"
import { HttpServer } from "../../core/http/http-server.ts"
import { memoryDeps, snapshot } from "../core/http/memory-deps.ts"
import { open } from "../core/http/open-layer.ts"
import { CHROMIUM, haveChromium } from "./browser.ts"

const deps = memoryDeps()
let server: { readonly close: () => Promise<void> } | undefined
let browser: BrowserContext | undefined
let profile = ""
let url = ""

beforeAll(async () => {
  if (!haveChromium) return
  const opened = await open(HttpServer.layerWith({ port: 0, stream: { heartbeatMs: 1000 } }, deps))
  server = opened
  url = (opened.context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]).url
  profile = mkdtempSync(join(tmpdir(), "virtuoso-chromium-"))
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  })
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (profile !== "") rmSync(profile, { recursive: true, force: true })
})

describe.skipIf(!haveChromium)("dashboard in chromium", () => {
  test("renders the heatmap, signals and health, then follows pushed score changes", async () => {
    const page = await browser!.newPage()
    const problems: Array<string> = []
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`))
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`)
    })

    await page.goto(url)
    const cell = (symbol: string, component: string) => `td[data-symbol="${symbol}"][data-component="${component}"]`
    await page.waitForSelector(cell("BTC/USDT", "score"), { timeout: 10_000 })
    expect(await page.textContent(cell("BTC/USDT", "score"))).toBe("62.0")
    expect(await page.textContent(cell("ETH/USDT", "technical"))).toBe("36.0")
    expect(await page.textContent(cell("BTC/USDT", "orderflow"))).toBe("–") // unavailable, not a made-up 50
    expect(await page.locator("#heatmap tbody tr").count()).toBe(3)
    await page.waitForFunction(() => document.getElementById("conn")?.textContent === "live", undefined, {
      timeout: 10_000,
    })
    await page.waitForFunction(() => document.getElementById("health-status")?.textContent === "healthy", undefined, {
      timeout: 10_000,
    })
    expect(await page.textContent("#health-components")).toContain("bus: up")

    // Push changing scores the way the bus does, until the page shows the new value.
    let score = 62
    const pusher = setInterval(() => {
      score = score >= 95 ? 10 : score + 7
      deps.hub.publish({ event: "confluence", data: snapshot("BTC/USDT", score) })
    }, 100)
    try {
      const changed = await page.waitForFunction(
        (selector) => {
          const text = document.querySelector(selector)?.textContent
          return text !== "62.0" && text !== undefined ? text : false
        },
        cell("BTC/USDT", "score"),
        { timeout: 10_000 },
      )
      const shown = Number(await changed.jsonValue())
      expect(shown).not.toBe(62)
      expect(shown % 1).toBe(0) // one of the pushed integer scores
      const first = await page.textContent(cell("BTC/USDT", "score"))
      await page.waitForFunction(
        ([selector, before]) => document.querySelector(selector!)?.textContent !== before,
        [cell("BTC/USDT", "score"), first] as const,
        { timeout: 10_000 },
      )
    } finally {
      clearInterval(pusher)
    }
    // A new symbol appears as a new row; a signal appears in the list.
    deps.hub.publish({ event: "confluence", data: snapshot("AVAX/USDT", 71) })
    deps.hub.publish({
      event: "signal",
      data: { symbol: "AVAX/USDT", kind: "long", score: 71, time: 1_700_000_000_000 },
    })
    await page.waitForSelector(cell("AVAX/USDT", "score"), { timeout: 10_000 })
    await page.waitForFunction(
      () => document.getElementById("signals")?.textContent?.includes("AVAX/USDT") ?? false,
      undefined,
      { timeout: 10_000 },
    )
    expect(Number(await page.textContent("#updates"))).toBeGreaterThan(6)
    expect(problems).toEqual([])
    await page.close()
  }, 30_000)
})
