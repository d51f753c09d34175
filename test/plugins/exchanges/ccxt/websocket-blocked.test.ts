/**
 * The engine on ccxt with the websocket port closed (a firewall that blocks websockets): REST
 * covers every stream from the first refused connection, `/health` says "degraded" with the
 * cause while data stays current (never "unhealthy"), and one info line says why.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../../core/config/index.ts"
import { HttpServer } from "../../../../core/http/index.ts"
import { MarketData } from "../../../../core/market/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../../support/app.ts"
import { closedPort, startFixtureExchange, type ExchangeServer } from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
beforeAll(async () => {
  server = await startFixtureExchange({ autoTickMs: 100 })
})
afterAll(() => server.stop())

type Health = { status: string; components: Record<string, { status: string; reason?: string }> }

test("websocket port closed: REST covers at once, /health degraded with the cause, never unhealthy", async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-ws-blocked-"))
  const config = parseConfig({
    exchange: { plugin: "ccxt", id: "binance", urls: server.binanceUrls({ wsPort: closedPort() }) },
    symbols: { static: ["BTC/USDT", "ETH/USDT"] },
    http: { port: 0 },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
  })
  const { lines: logs, logger: capture } = captureLogs()
  let app: RunningApp | undefined
  try {
    app = await startApp(config, [capture])
    const url = app.get(HttpServer).url
    const market = app.get(MarketData)
    const health = async () => {
      const res = await fetch(new URL("/health", url))
      return { code: res.status, body: (await res.json()) as Health }
    }
    const seen: Array<string> = []
    let degraded: Health["components"][string] | undefined
    let depthAtFallback: number | undefined
    const started = performance.now()
    // Order books are due 5 s after their last update: wait until REST has covered them twice.
    while (performance.now() - started < 25_000) {
      const { code, body } = await health()
      seen.push(body.components.market?.status ?? "absent")
      expect(code).toBe(200)
      if (body.components.market?.reason?.includes("REST polling")) {
        degraded = body.components.market
        depthAtFallback ??= server.count("/api/v3/depth")
        if (server.count("/api/v3/depth") >= depthAtFallback + 2) break
      }
      await Bun.sleep(200)
    }
    expect(depthAtFallback).toBeDefined()
    expect(server.count("/api/v3/depth")).toBeGreaterThanOrEqual(depthAtFallback! + 2)
    expect(seen).not.toContain("unhealthy")
    expect(degraded?.reason).toMatch(/streams on REST polling \(websocket: Network: .*(refused|ECONNREFUSED|failed)/i)
    const stats = await import("effect").then(({ Effect }) => Effect.runPromise(market.stats))
    expect(stats.lastPollAgeMs).toBeLessThan(6_000)
    expect(stats.streams?.byMode.streaming).toBe(0)
    const info = logs.filter((l) => l.includes("websocket not live for"))
    expect(info.length).toBe(1)
    expect(info[0]).toContain("polling it over REST")
  } finally {
    await app?.close()
  }
}, 40_000)
