/** Debian's chromium driven by playwright-core, shared by the browser tests. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BrowserContext, chromium, type Page } from "playwright-core"

export const CHROMIUM = "/usr/bin/chromium"
export const haveChromium = await Bun.file(CHROMIUM).exists()
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} not found: CI must \`apt-get install -y chromium\``)
  console.warn(`\n⚠️  ${CHROMIUM} not found (apt-get install -y chromium): skipping the browser test\n`)
}

export interface Browser {
  readonly context: BrowserContext
  /** The test's temp folder: screenshots land here. */
  readonly dir: string
  readonly close: () => Promise<void>
}

export const launch = async (): Promise<Browser> => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-chromium-"))
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
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
  return {
    context,
    dir,
    close: async () => {
      await context.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Collects page errors, console errors and any request that leaves the origin. */
export const watch = (page: Page, origin: string) => {
  const problems: Array<string> = []
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`))
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`)
  })
  page.on("request", (request) => {
    if (!request.url().startsWith(origin)) problems.push(`external request: ${request.url()}`)
  })
  return problems
}

/** Per chart container: how many canvas pixels differ from the page background (drawn ink). */
export const inkPerChart = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>(".chart")].map((box) => {
        let ink = 0
        for (const canvas of box.querySelectorAll("canvas")) {
          if (canvas.width === 0 || canvas.height === 0) continue
          const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data
          for (let i = 0; i < data.length; i += 4) {
            if (
              data[i + 3]! > 0 &&
              Math.abs(data[i]! - 0x0f) + Math.abs(data[i + 1]! - 0x11) + Math.abs(data[i + 2]! - 0x15) > 24
            )
              ink++
          }
        }
        return [box.id, ink]
      }),
    ),
  )

/** Copies a screenshot to `VIRTUOSO_SCREENSHOTS` when set (to refresh the README's picture). */
export const keepScreenshot = (file: string) => {
  const dir = process.env.VIRTUOSO_SCREENSHOTS
  if (dir === undefined) return
  mkdirSync(dir, { recursive: true })
  copyFileSync(file, join(dir, file.split("/").at(-1)!))
}
