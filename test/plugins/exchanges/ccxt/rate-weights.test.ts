/**
 * 100 symbols × 4 timeframes on Binance through ccxt, REST only (the heaviest mode): the local
 * server weighs every `/api/v3` request as Binance does, and in no window does the engine spend
 * more than its budget allows — one second of burst plus 90 % of the 6,000 weight/min limit —
 * so it stays under Binance's limit however much it wants (and it wants more: callers wait).
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { ExchangeGuards } from "../../../../core/resilience/index.ts"
import { Effect } from "effect"
import { startApp, type RunningApp } from "../../../support/app.ts"
import {
  BINANCE_SPOT_LIMIT_PER_MIN,
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"
import { eventually } from "../../../support/eventually.ts"
import { ccxtEngineConfig } from "./engine-config.ts"

const BASES = Array.from({ length: 100 }, (_, i) => `C${String(i).padStart(3, "0")}`)
let server: ExchangeServer
beforeAll(async () => {
  server = startExchangeServer({
    binanceMarkets: await loadMarketsFixture("binance"),
    extraSpot: BASES.map((base, i) => ({ base, quote: "USDT", turnover: 50_000_000 - i * 10_000 })),
    now: Date.now(),
    autoTickMs: 250,
  })
})
afterAll(() => server.stop())

test("100 symbols × 4 timeframes stay under Binance's 6,000 weight/min in every window", async () => {
  // ccxt's own throttle off: the engine's budget alone keeps it under the limit.
  const config = ccxtEngineConfig(
    { id: "binance", urls: server.binanceUrls(), websocket: false, enableRateLimit: false },
    BASES.map((b) => `${b}/USDT`),
    { top: 20, analysis: { enabled: false } },
  )
  expect(Object.keys(config.timeframes)).toHaveLength(4)
  let app: RunningApp | undefined
  try {
    app = await startApp(config)
    const [guard] = await Effect.runPromise(app.get(ExchangeGuards).all)
    // ccxt cost units × 5 = Binance spot weight; budget: 20 units of burst, 18 units/s.
    const burst = 20 * 5
    const perSecond = 18 * 5
    // Until the engine has spent the burst plus six seconds at the budget's full rate (about twelve
    // seconds of its demand here), however long a loaded machine takes to send that much.
    await eventually(
      "six seconds' worth of weight",
      () => server.spotWeight.total,
      (w) => w > burst + perSecond * 6,
      { timeoutMs: 45_000 },
    )
    const stats = guard!.budget.stats()
    // Demand exceeded the budget: the limit was what held the engine back, not its appetite.
    expect(stats.waited).toBeGreaterThan(0)
    // One request of slack: a call granted at the window's edge may arrive just inside it.
    const slack = 80
    for (const windowMs of [1_000, 5_000, 10_000]) {
      const used = server.spotWeight.maxInAnyWindow(windowMs)
      expect({ windowMs, used: used <= burst + perSecond * (windowMs / 1000) + slack }).toEqual({
        windowMs,
        used: true,
      })
    }
    expect(burst + perSecond * 60 + slack).toBeLessThan(BINANCE_SPOT_LIMIT_PER_MIN)
    expect(server.spotWeight.total).toBeGreaterThan(burst + perSecond * 5)
  } finally {
    await app?.close()
  }
}, 60_000)
