/**
 * 30 symbols × 4 timeframes on OKX through ccxt, REST only (the heaviest mode), as a user runs it
 * (ccxt's throttle on): every request the local server sees is charged ccxt's OKX cost, and in no
 * window does the engine spend more than its budget allows — one second of burst plus 90 % of
 * OKX's limit in ccxt's units — and no IP-limited market endpoint gets more than OKX documents
 * (candles and books 40, trades 100 requests per 2 s), though the backfill wants far more: 1m ×
 * 1,000 alone is four 300-candle pages per symbol.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import ccxt from "ccxt"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../../core/config/index.ts"
import { startApp, type RunningApp } from "../../../support/app.ts"
import { eventually } from "../../../support/eventually.ts"
import {
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
  type RequestRecord,
} from "../../../support/exchange-server/index.ts"
import type { MarketFixture } from "../../../support/exchange-server/wire.ts"

/** The fixture's seven USDT pairs plus generated ones, each with a linear perpetual. */
const GENERATED = Array.from({ length: 23 }, (_, i) => `G${String(i).padStart(2, "0")}`)
let server: ExchangeServer
let symbols: Array<string>
beforeAll(async () => {
  const markets: Record<string, MarketFixture> = { ...(await loadMarketsFixture("okx")) }
  const spot = markets["BTC/USDT"]!
  const swap = markets["BTC/USDT:USDT"]!
  for (const base of GENERATED) {
    markets[`${base}/USDT`] = { ...spot, info: { ...spot.info, instId: `${base}-USDT`, baseCcy: base } }
    const family = `${base}-USDT`
    markets[`${base}/USDT:USDT`] = {
      ...swap,
      info: { ...swap.info, instId: `${family}-SWAP`, instFamily: family, uly: family, ctValCcy: base },
    }
  }
  symbols = Object.keys(markets).filter((s) => s.endsWith("/USDT"))
  server = startExchangeServer({ binanceMarkets: {}, okxMarkets: markets, now: Date.now(), autoTickMs: 250 })
})
afterAll(() => server.stop())

/** ccxt's cost of one OKX request, by its path (the units OKX's limit is `1000 / rateLimit` of per second). */
const okxApi = new ccxt.okx().api as { public: { get: Record<string, { cost?: number }> } }
const costOf = (r: RequestRecord) => okxApi.public.get[r.path.replace(/^\/api\/v5\//, "")]?.cost ?? 1

/** The most `weigh` adds up to over the requests in any window of `windowMs` (windows start at each arrival). */
const maxInAnyWindow = (
  requests: ReadonlyArray<RequestRecord>,
  windowMs: number,
  weigh: (r: RequestRecord) => number,
) => {
  let max = 0
  let sum = 0
  let start = 0
  for (let end = 0; end < requests.length; end++) {
    sum += weigh(requests[end]!)
    while (requests[end]!.at - requests[start]!.at >= windowMs) sum -= weigh(requests[start++]!)
    max = Math.max(max, sum)
  }
  return max
}

test("30 symbols × 4 timeframes stay inside the engine's OKX budget and OKX's per-endpoint limits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-okx-weights-"))
  const config = parseConfig({
    exchange: { plugin: "ccxt", id: "okx", urls: server.okxUrls(), websocket: false },
    symbols: { static: symbols, top: 0 },
    analysis: { enabled: false },
    http: { port: 0 },
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
  })
  expect(symbols).toHaveLength(30)
  let app: RunningApp | undefined
  try {
    app = await startApp(config)
    // ccxt's OKX: a 110 ms spacing per unit; the budget: 9 units of burst, 90 % of 1000 / 110 per second.
    const burst = 9
    const perSecond = (0.9 * 1000) / 110
    const spent = () => server.requests.reduce((sum, r) => sum + costOf(r), 0)
    await eventually("six seconds' worth of OKX units", spent, (units) => units > burst + perSecond * 6, {
      timeoutMs: 45_000,
    })
    const requests = [...server.requests]
    // One request of slack: a call granted at the window's edge may arrive just inside it.
    const slack = 2
    for (const windowMs of [1_000, 5_000, 10_000]) {
      const used = maxInAnyWindow(requests, windowMs, costOf)
      expect({ windowMs, within: used <= burst + perSecond * (windowMs / 1000) + slack }).toEqual({
        windowMs,
        within: true,
      })
    }
    const limits = { "market/candles": 40, "market/books": 40, "market/trades": 100 }
    for (const [endpoint, per2s] of Object.entries(limits)) {
      const count = maxInAnyWindow(requests, 2_000, (r) => (r.path === `/api/v5/${endpoint}` ? 1 : 0))
      expect({ endpoint, count, within: count <= per2s }).toMatchObject({ endpoint, within: true })
    }
    // the backfill's 1m × 1,000 came in 300-candle pages
    expect(requests.filter((r) => r.path === "/api/v5/market/candles").length).toBeGreaterThan(symbols.length)
  } finally {
    await app?.close()
  }
}, 60_000)
