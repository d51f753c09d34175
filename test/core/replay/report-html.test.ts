/**
 * `bun run replay ... --html`: one self-contained page. In-process: the page carries the chart
 * library, the data and a CSP whose hashes match its scripts, and is the same bytes for the same
 * replay. In headless chromium (opened as a file, nothing else reachable): the chart is drawn with
 * one marker per signal of the report, and the page passes the accessibility basics. As a child
 * process: `--html` writes the page, and an unwritable path is one line naming `--html`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { createHash } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { parseConfig } from "../../../core/config/index.ts"
import { parseArgs, replayFile, type ReplayOutput } from "../../../core/replay/index.ts"
import { renderReplayHtml } from "../../../core/replay/report-html.ts"
import { accessibilityProblems } from "../../e2e/a11y.ts"
import { type Browser, haveChromium, inkPerChart, keepScreenshot, launch, watch } from "../../e2e/browser.ts"
import { BTC, runReplayCli, withTempDir } from "./support.ts"

let output: ReplayOutput
let html = ""

beforeAll(async () => {
  output = await Effect.runPromise(replayFile(parseConfig({}), BTC, { symbol: "BTC/USDT", horizons: [5, 15, 60] }))
  html = renderReplayHtml(output.run, output.report)
}, 60_000)

describe("replay HTML report", () => {
  test("self-contained: library and data inline, scripts pinned by the CSP, same bytes every time", () => {
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(html).not.toMatch(/<link /)
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
    expect(scripts.length).toBe(2)
    expect(scripts[0]).toContain("LightweightCharts")
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replaceAll("&#39;", "'")
    for (const script of scripts)
      expect(csp).toContain(`'sha256-${createHash("sha256").update(script).digest("base64")}'`)
    expect(csp).toContain("default-src 'none'")
    const data = JSON.parse(/<script type="application\/json" id="replay-data">([\s\S]*?)<\/script>/.exec(html)![1]!)
    expect(data.candles.length).toBe(1440)
    expect(data.signals.length).toBe(output.report.signals.length)
    expect(html).toContain("Forward returns by score bucket")
    for (const bucket of output.report.byBucket) expect(html).toContain(`>${bucket.label}</th>`)
    expect(renderReplayHtml(output.run, output.report)).toBe(html)
  })

  test("--html needs a value", () => {
    expect(() => parseArgs(["--input", BTC, "--html"])).toThrow("--html needs a value")
    expect(parseArgs(["--input", BTC, "--html", "r.html"]).html).toBe("r.html")
  })
})

describe.skipIf(!haveChromium)("replay HTML report in chromium", () => {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await launch()
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  test("chart drawn from the file alone, one marker per signal, accessible", async () => {
    const file = join(browser!.dir, "report.html")
    writeFileSync(file, html)
    const page = await browser!.context.newPage()
    const problems = watch(page, `file://${file}`)
    await page.goto(`file://${file}`)
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 })
    expect((await inkPerChart(page)).chart).toBeGreaterThan(5000)
    expect(output.report.signals.length).toBeGreaterThan(10)
    expect(Number(await page.getAttribute("#chart", "data-markers"))).toBe(output.report.signals.length)
    expect(await accessibilityProblems(page)).toEqual([])
    const shot = join(browser!.dir, "replay-report.png")
    await page.screenshot({ path: shot, fullPage: true })
    keepScreenshot(shot)
    expect(problems).toEqual([])
    await page.close()
  }, 30_000)
})

describe("bun run replay --html (child process)", () => {
  const run = runReplayCli

  test(
    "writes the page; an unwritable path fails with one line naming --html",
    () =>
      withTempDir(async (dir) => {
        const path = join(dir, "report.html")
        const ok = await run(["--input", BTC, "--symbol", "BTC/USDT", "--out", dir, "--html", path])
        expect(ok.code).toBe(0)
        expect(existsSync(path)).toBe(true)
        expect(readFileSync(path, "utf8")).toBe(html)
        const bad = await run([
          "--input",
          BTC,
          "--symbol",
          "BTC/USDT",
          "--out",
          dir,
          "--html",
          join(dir, "missing", "r.html"),
        ])
        expect(bad.code).toBe(1)
        expect(bad.stderr.trim().split("\n")).toHaveLength(1)
        expect(bad.stderr).toContain("cannot write --html")
      }),
    60_000,
  )
})
