/**
 * The whole engine on ccxt data: `exchange: { plugin: "ccxt", id: "binance", urls }` (what
 * `VIRTUOSO_EXCHANGE=binance` + `VIRTUOSO_EXCHANGE_URLS` produce) pointed at the local Binance
 * server. Boots the same layer `npm start` launches and checks every static symbol gets scored
 * from candles ccxt fetched, then shuts down and closes the ccxt instance.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../../core/config/index.ts"
import { readEnv } from "../../../../core/config/env.ts"
import { Effect } from "effect"
import { HttpServer } from "../../../../core/http/index.ts"
import { MarketData } from "../../../../core/market/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../../support/app.ts"
import { eventually } from "../../../support/eventually.ts"
import { startFixtureExchange, type ExchangeServer } from "../../../support/exchange-server/index.ts"

let server: ExchangeServer
beforeAll(async () => {
  server = await startFixtureExchange()
})
afterAll(() => server.stop())

test("VIRTUOSO_EXCHANGE=binance with a urls override runs the engine on ccxt data", async () => {
  const env = readEnv({ VIRTUOSO_EXCHANGE: "binance", VIRTUOSO_EXCHANGE_URLS: JSON.stringify(server.binanceUrls()) })
  expect(env.errors).toEqual([])
  expect(env.values).toMatchObject({ exchange: { plugin: "ccxt", id: "binance" } })
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-ccxt-engine-"))
  const config = parseConfig({
    ...env.values,
    http: { port: 0 },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
    log: { level: "debug" },
    exchange: { ...(env.values.exchange as object), pollMs: 200 },
  })
  const { lines: logs, logger: capture } = captureLogs()
  let app: RunningApp | undefined
  try {
    app = await startApp(config, [capture])
    const { url } = app.get(HttpServer)
    const symbols = config.symbols.static
    type Item = { symbol: string; timeframe: string; score: number }
    const items = await eventually(
      "every static symbol scored",
      async () => ((await (await fetch(new URL("/v1/confluence", url))).json()) as { items: Array<Item> }).items,
      (items) => symbols.every((s) => items.some((i) => i.symbol === s && i.timeframe === "all")),
      { timeoutMs: 15_000, intervalMs: 100 },
    )
    for (const symbol of symbols) {
      const overall = items.find((i) => i.symbol === symbol && i.timeframe === "all")
      expect(overall).toBeDefined()
      expect(overall!.score).toBeGreaterThanOrEqual(0)
      expect(overall!.score).toBeLessThanOrEqual(100)
    }
    // Scores can arrive while the rest of the history is still being published: readiness is separate.
    await Effect.runPromise(app.get(MarketData).awaitReady)
    expect(logs.some((l) => l.includes("market data ready") && l.includes("on binance"))).toBe(true)
    // the data came through ccxt from the server: markets, every timeframe, books, trades
    expect(server.count("/api/v3/exchangeInfo")).toBe(1)
    for (const interval of ["1m", "5m", "30m", "4h"]) {
      expect(
        server.requests.some((r) => r.path === "/api/v3/klines" && r.query.includes(`interval=${interval}&`)),
      ).toBe(true)
    }
    expect(server.count("/api/v3/depth")).toBeGreaterThanOrEqual(symbols.length)
    expect(server.count("/api/v3/aggTrades")).toBeGreaterThanOrEqual(symbols.length)
    expect(server.count("/fapi/v1/premiumIndex")).toBeGreaterThanOrEqual(1)
  } finally {
    await app?.close()
  }
  expect(logs.some((l) => l.includes("finalizer: exchange binance closed"))).toBe(true)
}, 30_000)
