/**
 * The engine on ccxt with the exchange unreachable at start (every URL at a closed loopback
 * port): one error line names the host, the error and what happens next; `/health` carries the
 * same reason; the warnings that remain name their cause and collapse per endpoint.
 */
import { expect, test } from "bun:test"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../../core/config/index.ts"
import { HttpServer } from "../../../../core/http/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../../support/app.ts"
import { binanceUrlsAt, closedPort } from "../../../support/exchange-server/index.ts"

test("exchange unreachable at start: one line with host, error and what next; /health says the same", async () => {
  const port = closedPort()
  const urls = binanceUrlsAt(port, port)
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-unreachable-"))
  const config = parseConfig({
    exchange: { plugin: "ccxt", id: "binance", urls },
    symbols: { static: ["BTC/USDT", "ETH/USDT", "SOL/USDT"] },
    http: { port: 0 },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
  })
  const { lines: logs, logger: capture } = captureLogs()
  let app: RunningApp | undefined
  try {
    app = await startApp(config, [capture])
    const url = app.get(HttpServer).url
    let market: { status: string; reason?: string } | undefined
    const started = performance.now()
    while (performance.now() - started < 30_000) {
      const body = (await (await fetch(new URL("/health", url))).json()) as {
        components: Record<string, { status: string; reason?: string }>
      }
      market = body.components.market
      if (market?.reason?.includes("unreachable")) break
      await Bun.sleep(200)
    }
    const unreachable = logs.filter((l) => l.includes("binance unreachable"))
    expect(unreachable.length).toBe(1)
    expect(unreachable[0]).toContain(`127.0.0.1:${port}`)
    expect(unreachable[0]).toContain("NetworkError")
    expect(unreachable[0]).toContain("retrying, no market data until it answers")
    expect(market?.status).toBe("unhealthy")
    expect(market?.reason).toBe(unreachable[0])
    // Every warning names its cause; 3 symbols × 4 timeframes + books + trades collapse per endpoint.
    const warnings = logs.filter((l) => l.startsWith("binance fetch"))
    expect(warnings.length).toBeGreaterThan(0)
    for (const w of warnings)
      expect(w).toMatch(new RegExp(`(Network|Timeout) from 127\\.0\\.0\\.1:${port} — NetworkError: `))
    const perEndpoint = new Map<string, number>()
    for (const w of warnings) {
      const endpoint = w.split(" ")[1]!
      perEndpoint.set(endpoint, (perEndpoint.get(endpoint) ?? 0) + 1)
    }
    for (const count of perEndpoint.values()) expect(count).toBe(1)
  } finally {
    await app?.close()
  }
}, 60_000)
