import { describe, expect, test } from "bun:test"
import { makeApp } from "../../../core/http/app.ts"
import { memoryDeps } from "./memory-deps.ts"
import { symbolFixture } from "./symbol-memory-deps.ts"

const get = async (app: ReturnType<typeof makeApp>, path: string) => {
  const response = await app.request(path)
  const text = await response.text()
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: response.status, body, headers: response.headers, text }
}

describe("symbol data routes", () => {
  const fixture = symbolFixture(300)
  const app = makeApp({ ...memoryDeps(), ...fixture.deps })

  test("candles: the newest `limit`, oldest first, for any symbol spelling", async () => {
    for (const spelling of ["BTC-USDT", "btc_usdt", "BTC%2FUSDT"]) {
      const answer = await get(app, `/v1/candles/${spelling}?timeframe=5m&limit=20`)
      expect(answer.status).toBe(200)
      expect(answer.body.symbol).toBe("BTC/USDT")
      expect(answer.body.count).toBe(20)
      expect(answer.body.items).toEqual(fixture.bars.get("5m")!.slice(-20))
    }
    expect((await get(app, "/v1/candles/BTC-USDT?timeframe=1h")).body.count).toBe(300)
  })

  test("candles: bad input is a 400 naming the field; unknown symbols and untracked timeframes are 404", async () => {
    const missing = await get(app, "/v1/candles/BTC-USDT")
    expect(missing.status).toBe(400)
    expect(missing.body.issues[0].path).toEqual(["timeframe"])
    const tooMany = await get(app, "/v1/candles/BTC-USDT?timeframe=1m&limit=5001")
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.issues[0].path).toEqual(["limit"])
    expect((await get(app, "/v1/candles/BTC-USDT?timeframe=1m&extra=1")).status).toBe(400)
    expect((await get(app, "/v1/candles/not_a..symbol?timeframe=1m")).status).toBe(400)
    const unknown = await get(app, "/v1/candles/DOGE-USDT?timeframe=1m")
    expect(unknown.status).toBe(404)
    expect(unknown.body.message).toContain("DOGE/USDT")
    const untracked = await get(app, "/v1/candles/BTC-USDT?timeframe=4h")
    expect(untracked.status).toBe(404)
    expect(untracked.body.message).toContain("tracked: 1m, 5m, 15m, 1h")
  })

  test("history: score points with the signal thresholds; contributors of the latest candle", async () => {
    const history = await get(app, "/v1/confluence/BTC-USDT/history?timeframe=15m&limit=50")
    expect(history.status).toBe(200)
    expect(history.body.thresholds).toEqual({ longAt: 70, shortAt: 35 })
    expect(history.body.count).toBe(50)
    expect(history.body.items.at(-1).time).toBe(fixture.bars.get("15m")!.at(-1)!.time)
    expect((await get(app, "/v1/confluence/BTC-USDT/history")).body.timeframe).toBe("all")
    expect((await get(app, "/v1/confluence/BTC-USDT/history?timeframe=2m")).status).toBe(400)

    const contributors = await get(app, "/v1/confluence/BTC-USDT/contributors?timeframe=1m")
    expect(contributors.status).toBe(200)
    expect(contributors.body.items.map((c: any) => c.name)).toEqual(["rsi-14", "obv"])
    expect((await get(app, "/v1/confluence/DOGE-USDT/contributors?timeframe=1m")).status).toBe(404)
    expect((await get(app, "/v1/confluence/BTC-USDT/contributors")).status).toBe(400)
  })

  test("without the services the routes answer not_enabled", async () => {
    const bare = makeApp(memoryDeps())
    for (const path of [
      "/v1/candles/BTC-USDT?timeframe=1m",
      "/v1/confluence/BTC-USDT/history",
      "/v1/confluence/BTC-USDT/contributors?timeframe=1m",
    ]) {
      const answer = await get(bare, path)
      expect(answer.status).toBe(404)
      expect(answer.body.error).toBe("not_enabled")
    }
  })
})

describe("pages", () => {
  const app = makeApp({ ...memoryDeps(), ...symbolFixture(10).deps })

  test("the symbol page names the symbol, one chart per tracked timeframe, and pins its scripts", async () => {
    const page = await get(app, "/symbols/btc-usdt")
    expect(page.status).toBe(200)
    expect(page.text).toContain("<title>BTC/USDT · Virtuoso</title>")
    expect(page.text.match(/class="chart"/g)?.length).toBe(4)
    const csp = page.headers.get("Content-Security-Policy")!
    expect(csp).toContain("script-src 'self' 'sha256-")
    expect(page.text).toContain('<script defer src="/assets/lightweight-charts.js"></script>')
    expect((await get(app, "/symbols/%3Cscript%3E")).status).toBe(400)
  })

  test("the chart library comes from the installed package, cacheable, with a revalidating ETag", async () => {
    const library = await app.request("/assets/lightweight-charts.js")
    expect(library.status).toBe(200)
    expect(library.headers.get("Content-Type")).toContain("javascript")
    const text = await library.text()
    expect(text).toContain("LightweightCharts")
    const etag = library.headers.get("ETag")!
    expect((await app.request("/assets/lightweight-charts.js", { headers: { "If-None-Match": etag } })).status).toBe(
      304,
    )
  })

  test("the plugins page and the heatmap link to each other; /v1/plugins carries the server clock", async () => {
    const page = await get(app, "/plugins-page")
    expect(page.status).toBe(200)
    expect(page.text).toContain("quarantine")
    expect((await get(app, "/")).text).toContain('href="/plugins-page"')
    const plugins = await get(app, "/v1/plugins")
    expect(Math.abs(plugins.body.now - Date.now())).toBeLessThan(5000)
  })
})
