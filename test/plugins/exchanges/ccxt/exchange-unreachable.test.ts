/**
 * The engine on ccxt with the exchange unreachable at start (every URL at a closed loopback
 * port): one error line names the host, the error and what happens next, said at the first
 * refused request while the retries go on (before any call has used up its retries and warned);
 * `/health` carries the same reason; the warnings that follow name their cause and collapse per
 * endpoint. The line is exchange-agnostic: Binance is followed through its warnings, Bybit and
 * OKX up to the line (each exchange's refused connection reads the same way, `rest-faults.test.ts`).
 */
import { expect, test } from "bun:test"
import { captureLogs, startApp, type RunningApp } from "../../../support/app.ts"
import { eventually } from "../../../support/eventually.ts"
import { binanceUrlsAt, bybitUrlsAt, closedPort, okxUrlsAt } from "../../../support/exchange-server/index.ts"
import { ccxtEngineConfig } from "./engine-config.ts"

type Market = { status: string; reason?: string } | undefined

const venues = [
  { id: "binance", urlsAt: binanceUrlsAt, warnings: true },
  { id: "bybit", urlsAt: bybitUrlsAt, warnings: false },
  { id: "okx", urlsAt: okxUrlsAt, warnings: false },
] as const

for (const { id, urlsAt, warnings: followWarnings } of venues) {
  test(`${id} unreachable at start: one line with host, error and what next at once; /health the same`, async () => {
    const port = closedPort()
    const config = ccxtEngineConfig({ id, urls: urlsAt(port, port) }, ["BTC/USDT", "ETH/USDT", "SOL/USDT"])
    const { lines: logs, logger: capture } = captureLogs()
    let app: RunningApp | undefined
    try {
      app = await startApp(config, [capture])
      const url = app.url()
      const market = await eventually(
        "market health naming the unreachable exchange",
        async (): Promise<Market> => {
          const body = (await (await fetch(new URL("/health", url))).json()) as { components: Record<string, Market> }
          return body.components.market
        },
        (m) => m?.reason?.includes("unreachable") === true,
        { timeoutMs: 30_000, intervalMs: 100 },
      )
      const isWarning = (l: string) => l.startsWith(`${id} fetch`)
      const unreachableAt = logs.findIndex((l) => l.includes(`${id} unreachable`))
      const firstWarningAt = logs.findIndex(isWarning)
      // Said at the first refusal: no call had used up its retries yet (each then warns once).
      expect({ unreachableAt, before: firstWarningAt === -1 || unreachableAt < firstWarningAt }).toEqual({
        unreachableAt: expect.any(Number),
        before: true,
      })
      const line = logs[unreachableAt]!
      expect(line).toContain(`127.0.0.1:${port}`)
      expect(line).toContain("NetworkError")
      expect(line).toContain("retrying, no market data until it answers")
      expect(market?.status).toBe("unhealthy")
      expect(market?.reason).toBe(line)
      if (!followWarnings) return
      // Every warning names its cause; 3 symbols × 4 timeframes + books + trades collapse per endpoint.
      // The first round (every call's retries) ends with readiness; its warnings are logged by then.
      await eventually(
        "the first round done",
        () => logs.some((l) => l.includes("market data ready")),
        (x) => x,
        {
          timeoutMs: 45_000,
          intervalMs: 100,
        },
      )
      expect(logs.filter((l) => l.includes(`${id} unreachable`))).toEqual([line])
      const warnings = logs.filter(isWarning)
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
  }, 90_000)
}
