/** The Hono app's read routes over in-memory services: confluence, health, metrics, events and signals, the page. */
import { describe, expect, test } from "bun:test"
import { createHash } from "node:crypto"
import { makeApp } from "../../../core/http/app.ts"
import { memoryDeps } from "./memory-deps.ts"
import { get } from "./request.ts"

describe("confluence routes", () => {
  const deps = memoryDeps()
  const app = makeApp(deps)

  test("lists every symbol x timeframe, filtered by timeframe and components", async () => {
    const all = await get(app, "/v1/confluence")
    expect(all.status).toBe(200)
    expect(all.body.count).toBe(6)
    const oneMinute = await get(app, "/v1/confluence?timeframe=1m&components=technical,orderflow")
    expect(oneMinute.body.count).toBe(3)
    expect(oneMinute.body.items[0].components).toEqual({ technical: 57, orderflow: null })
    expect((await get(app, "/v1/confluence?timeframe=1m,5m")).body.count).toBe(6)
  })

  test.each(["BTC-USDT", "BTC%2FUSDT", "btc_usdt", "BTC/USDT", "btc-usdt?timeframe=5m"])(
    "accepts symbol spelling %s",
    async (spelling) => {
      const answer = await get(app, `/v1/confluence/${spelling}`)
      expect(answer.status).toBe(200)
      expect(answer.body.symbol).toBe("BTC/USDT")
      expect(answer.body.items.every((s: any) => s.symbol === "BTC/USDT")).toBe(true)
      expect(answer.body.count).toBe(spelling.includes("5m") ? 1 : 2)
    },
  )

  test("a tracked symbol without a score yet is an empty 200; an unknown one is a JSON 404", async () => {
    const tracked = await get(app, "/v1/confluence/AVAX-USDT")
    expect(tracked.status).toBe(200)
    expect(tracked.body.count).toBe(0)
    const unknown = await get(app, "/v1/confluence/DOGE-USDT")
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ error: "not_found", message: "unknown symbol DOGE/USDT" })
    expect(unknown.headers.get("content-type")).toContain("application/json")
  })

  test.each([
    ["/v1/confluence/BTC", "symbol"],
    ["/v1/confluence/BTC-USDT-PERP", "symbol"],
    ["/v1/confluence/%E0%A4%A", "symbol"],
    ["/v1/confluence?timeframe=2m", "timeframe"],
    ["/v1/confluence?components=technical,bogus", "components"],
    ["/v1/confluence?timframe=1m", ""],
    ["/v1/confluence?timeframe=1m&timeframe=5m", "timeframe"],
    ["/v1/confluence/B$C/USDT", "symbol"],
  ])("bad input %s is a 400 naming %s", async (path, key) => {
    const answer = await get(app, path)
    expect(answer.status).toBe(400)
    expect(answer.body.error).toBe("bad_request")
    expect(answer.body.issues.length).toBeGreaterThan(0)
    if (key !== "") expect(answer.body.issues.some((i: any) => i.path.includes(key))).toBe(true)
  })
})

describe("health, metrics, queries", () => {
  const deps = memoryDeps()
  const seen: Array<string> = []
  const app = makeApp({
    ...deps,
    metrics: { ...deps.metrics!, observeRequest: (route, method, status) => seen.push(`${method} ${route} ${status}`) },
  })

  test("health answers carry the dependency's status", async () => {
    expect((await get(app, "/health")).status).toBe(200)
    expect((await get(app, "/health")).body.components.bus.status).toBe("up")
    expect((await get(app, "/health/live")).status).toBe(200)
    const ready = await get(app, "/health/ready")
    expect(ready.status).toBe(503)
    expect(ready.body.status).toBe("unhealthy")
  })

  test("metrics are Prometheus text and requests are observed by route pattern", async () => {
    const metrics = await get(app, "/metrics")
    expect(metrics.status).toBe(200)
    expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8")
    expect(metrics.text).toContain("virtuoso_up 1")
    await get(app, "/v1/confluence/ETH-USDT")
    await get(app, "/nope")
    expect(seen).toContain("GET /v1/confluence/:symbol 200")
    expect(seen).toContain("GET unmatched 404")
  })

  test("events page with an opaque cursor until the last page", async () => {
    const ids: Array<number> = []
    let cursor: string | null = ""
    let pages = 0
    while (cursor !== null) {
      const answer = await get(app, `/v1/events?limit=10${cursor ? `&cursor=${cursor}` : ""}`)
      expect(answer.status).toBe(200)
      ids.push(...answer.body.items.map((row: any) => row.time))
      cursor = answer.body.nextCursor
      pages += 1
    }
    expect(pages).toBe(3)
    expect(new Set(ids).size).toBe(25)
  })

  test("events filter by type prefix, symbol and time range", async () => {
    const answer = await get(app, "/v1/events?type=market.*&symbol=ETH-USDT&from=2023-11-14T22:13:20Z&to=1700000900000")
    expect(answer.status).toBe(200)
    expect(answer.body.items.length).toBeGreaterThan(0)
    for (const row of answer.body.items) {
      expect(row.type).toBe("market.candle.closed")
      expect(row.symbol).toBe("ETH/USDT")
      expect(row.time).toBeLessThan(1_700_000_900_000)
    }
  })

  test.each([
    "/v1/events?limit=0",
    "/v1/events?limit=1001",
    "/v1/events?limit=1e3",
    "/v1/events?limit=",
    "/v1/events?from=5&to=4",
    "/v1/events?from=yesterday",
    "/v1/events?type=Market",
    "/v1/events?cursor=%00%01",
    "/v1/events?cursor=abc",
    "/v1/signals?timeframe=7m",
    "/v1/signals?kind=LONG",
    "/v1/plugins?x=1",
    "/v1/dlq?limit=-1",
  ])("bad query %s is a 400", async (path) => {
    const answer = await get(app, path)
    expect(answer.status).toBe(400)
    expect(answer.body.error).toBe("bad_request")
  })

  test("signals filter and plugins list", async () => {
    const longs = await get(app, "/v1/signals?kind=long&limit=2")
    expect(longs.body.items.map((s: any) => s.kind)).toEqual(["long", "long"])
    expect(longs.body.nextCursor).toBe("2")
    expect((await get(app, "/v1/plugins")).body.items[0].name).toBe("rsi-14")
  })

  test("unknown paths and methods are JSON 404s", async () => {
    for (const [path, method] of [
      ["/v2/anything", "GET"],
      ["/v1/confluence", "POST"],
      ["/health/x/y", "DELETE"],
    ] as const) {
      const answer = await get(app, path, { method })
      expect(answer.status).toBe(404)
      expect(answer.body.error).toBe("not_found")
    }
  })
})

describe("dashboard page", () => {
  test("serves one self-contained page whose inline script and style match the CSP hashes", async () => {
    const response = await makeApp(memoryDeps()).request("/")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("text/html")
    const html = await response.text()
    const csp = response.headers.get("content-security-policy")!
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    const hash = (text: string) => createHash("sha256").update(text).digest("base64")
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`)
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`)
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(html).toContain('"components":["technical"')
  })
})
