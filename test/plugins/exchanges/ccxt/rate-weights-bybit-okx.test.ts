/**
 * 30 symbols × 4 timeframes on Bybit and on OKX through ccxt, REST only (the heaviest mode), as a
 * user runs it (ccxt's throttle on) and with ccxt's throttle off (the engine's budget alone): every
 * request the local server sees, the market list's pages and the clock reading included, is charged
 * ccxt's cost for its endpoint, and in no window does the engine spend more than its budget allows —
 * its burst plus 90 % of the exchange's limit in ccxt's units — nor send more than the
 * exchange documents (Bybit: 600 requests per 5 s per IP; OKX per endpoint: candles and books 40,
 * trades 100 per 2 s), though the backfill wants far more (on OKX 1m × 1,000 alone is four
 * 300-candle pages per symbol). Binance's weights are checked the same way in `rate-weights.test.ts`.
 */
import { afterAll, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Effect } from "effect"
import { ExchangeGuards } from "../../../../core/resilience/index.ts"
import { startApp, type RunningApp } from "../../../support/app.ts"
import { eventually } from "../../../support/eventually.ts"
import {
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
  type RequestRecord,
} from "../../../support/exchange-server/index.ts"
import type { MarketFixture } from "../../../support/exchange-server/wire.ts"
import { ccxtEngineConfig } from "./engine-config.ts"

/** Generated USDT pairs beside the fixture's seven, each with a linear perpetual. */
const GENERATED = Array.from({ length: 23 }, (_, i) => `G${String(i).padStart(2, "0")}`)

type Markets = Record<string, MarketFixture>
interface Limit {
  readonly what: string
  readonly windowMs: number
  readonly max: number
  readonly counts: (r: RequestRecord) => boolean
}
interface LoadVenue {
  readonly id: "bybit" | "okx"
  /** A generated pair's spot and perpetual records, cloned from the fixture's BTC ones. */
  readonly generate: (markets: Markets, base: string) => void
  readonly urls: (server: ExchangeServer) => unknown
  /** The key of a request's endpoint in ccxt's `api.public.get`. */
  readonly endpoint: (path: string) => string
  readonly limits: ReadonlyArray<Limit>
  /** A window over which the exchange allows `1000 / rateLimit` ccxt units a second, ms (OKX: per endpoint). */
  readonly unitWindowMs?: number
}

const clone = (m: MarketFixture, info: Record<string, unknown>): MarketFixture => ({
  ...m,
  info: { ...m.info, ...info },
})

const VENUES: ReadonlyArray<LoadVenue> = [
  {
    id: "bybit",
    generate: (markets, base) => {
      markets[`${base}/USDT`] = clone(markets["BTC/USDT"]!, { symbol: `${base}USDT`, baseCoin: base })
      markets[`${base}/USDT:USDT`] = clone(markets["BTC/USDT:USDT"]!, { symbol: `${base}USDT`, baseCoin: base })
    },
    urls: (s) => s.bybitUrls(),
    endpoint: (path) => path.slice(1),
    limits: [{ what: "every request", windowMs: 5_000, max: 600, counts: () => true }],
  },
  {
    id: "okx",
    generate: (markets, base) => {
      const family = `${base}-USDT`
      markets[`${base}/USDT`] = clone(markets["BTC/USDT"]!, { instId: family, baseCcy: base })
      markets[`${base}/USDT:USDT`] = clone(markets["BTC/USDT:USDT"]!, {
        instId: `${family}-SWAP`,
        instFamily: family,
        uly: family,
        ctValCcy: base,
      })
    },
    urls: (s) => s.okxUrls(),
    endpoint: (path) => path.replace(/^\/api\/v5\//, ""),
    unitWindowMs: 2_000,
    limits: ["candles:40", "books:40", "trades:100"].map((l) => {
      const [name, max] = l.split(":")
      return { what: name!, windowMs: 2_000, max: Number(max), counts: (r) => r.path === `/api/v5/market/${name}` }
    }),
  },
]

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

const servers: Array<ExchangeServer> = []
afterAll(() => Promise.all(servers.map((s) => s.stop())))

for (const venue of VENUES)
  for (const throttle of [true, false]) {
    const name = `${venue.id}, ccxt's throttle ${throttle ? "on" : "off"}`
    test(`${name}: 30 symbols × 4 timeframes stay inside the engine's budget and the exchange's limits`, async () => {
      const markets: Markets = { ...(await loadMarketsFixture(venue.id)) }
      for (const base of GENERATED) venue.generate(markets, base)
      const symbols = Object.keys(markets).filter((s) => s.endsWith("/USDT"))
      expect(symbols).toHaveLength(30)
      const server = startExchangeServer({
        binanceMarkets: {},
        [venue.id === "okx" ? "okxMarkets" : "bybitMarkets"]: markets,
        now: Date.now(),
        autoTickMs: 250,
      })
      servers.push(server)
      const ex = new (ccxt as unknown as Record<string, new () => { rateLimit: number; api: any }>)[venue.id]!()
      const costOf = (r: RequestRecord): number => ex.api.public.get[venue.endpoint(r.path)]?.cost ?? 1
      // The engine's default budget: 90 % of the exchange's limit per second (its burst is read below).
      const perSecond = (0.9 * 1000) / ex.rateLimit
      const config = ccxtEngineConfig(
        { id: venue.id, urls: venue.urls(server), websocket: false, enableRateLimit: throttle },
        symbols,
        { analysis: { enabled: false } },
      )
      let app: RunningApp | undefined
      try {
        app = await startApp(config)
        const [guard] = await Effect.runPromise(app.get(ExchangeGuards).all)
        const burst = guard!.budget.bucket.capacity
        expect(burst).toBeLessThanOrEqual(Math.floor(1000 / ex.rateLimit))
        const spent = () => server.requests.reduce((sum, r) => sum + costOf(r), 0)
        await eventually("six seconds' worth of the budget", spent, (units) => units > burst + perSecond * 6, {
          timeoutMs: 45_000,
        })
        const requests = [...server.requests]
        // One request of slack: a call granted at the window's edge may arrive just inside it.
        const slack = Math.max(...requests.map(costOf))
        // Every window checked before failing, so a failure shows all of them.
        const checks: Array<{ readonly check: string; readonly used: number; readonly bound: number }> = []
        for (const windowMs of [1_000, 5_000, 10_000]) {
          const bound = burst + perSecond * (windowMs / 1000) + slack
          checks.push({
            check: `budget units per ${windowMs} ms`,
            used: maxInAnyWindow(requests, windowMs, costOf),
            bound,
          })
        }
        if (venue.unitWindowMs !== undefined) {
          const w = venue.unitWindowMs
          const bound = (1000 / ex.rateLimit) * (w / 1000) + slack
          checks.push({ check: `exchange's units per ${w} ms`, used: maxInAnyWindow(requests, w, costOf), bound })
        }
        for (const limit of venue.limits) {
          const used = maxInAnyWindow(requests, limit.windowMs, (r) => (limit.counts(r) ? 1 : 0))
          checks.push({ check: `${limit.what} per ${limit.windowMs} ms`, used, bound: limit.max })
        }
        expect(checks.filter((c) => c.used > c.bound)).toEqual([])
        expect(requests.every((r) => r.status === 200)).toBe(true)
      } finally {
        await app?.close()
      }
    }, 60_000)
  }
