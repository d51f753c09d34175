/**
 * Health that can fail: the whole engine on an exchange plugin whose requests start failing
 * on command. `/health` leaves healthy for the market (recent errors, naming the exchange),
 * names the circuits that opened, and publishes `health.changed`. (Recovery timing is the
 * breakers' and retries' business, tested with TestClock in test/core/resilience.)
 */
import { afterAll, expect, test } from "bun:test"
import { Effect, Scope } from "effect"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { EventBus, type VirtuosoEvent } from "../../../core/events/index.ts"
import { startApp, type RunningApp } from "../../support/app.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-health-"))
const plugins = join(dir, "plugins")
// A plain-object exchange plugin (no imports): a steady 1m market whose failures are switched
// through a global the test flips.
mkdirSync(plugins)
writeFileSync(
  join(plugins, "switchable.js"),
  `
const MINUTE = 60000
export default {
  apiVersion: 1, kind: "exchange", name: "switchable",
  create: (config) => {
    const start = Math.floor(config.now() / MINUTE) * MINUTE
    const candle = (t) => ({
      time: t, open: 100, high: 101 + (t / MINUTE) % 3, low: 99, close: 100 + (t / MINUTE) % 5, volume: 10,
    })
    const guard = () => { if (globalThis.__exchangeDown) throw new Error("503 Service Unavailable") }
    const nowMinute = () => start + Math.floor((config.now() - start) / 100) * MINUTE
    return {
      id: "switchable",
      has: {
        fetchFundingRate: false, fetchOpenInterest: false, fetchLongShortRatio: false, fetchLiquidations: false,
        watchOHLCV: false, watchOrderBook: false, watchTrades: false,
      },
      loadSymbols: async () => ["TEST/USDT"],
      fetchOHLCV: async (symbol, tf, since, limit = 500) => {
        guard()
        const step = tf === "1m" ? MINUTE : 5 * MINUTE
        const last = Math.floor(nowMinute() / step) * step
        const first = since === undefined ? last - (limit - 1) * step : Math.ceil(since / step) * step
        const out = []
        for (let t = first; t <= last && out.length < limit; t += step) out.push(candle(t))
        return out
      },
      fetchOrderBook: async (symbol) => {
        guard()
        return { symbol, time: config.now(), bids: [[99.9, 5]], asks: [[100.1, 5]] }
      },
      fetchTrades: async () => { guard(); return [] },
      fetchTicker: async (symbol) => { guard(); return { symbol, time: config.now(), last: 100 } },
      fetchTickers: async () => [],
      close: async () => {},
    }
  },
}
`,
)

const config = parseConfig({
  http: { port: 0 },
  store: { path: join(dir, "v.db") },
  plugins: { folders: [plugins], watch: false },
  exchange: { plugin: "switchable", pollMs: 50, rateBudget: { capacity: 1000, perSecond: 1000 } },
  symbols: { static: ["TEST/USDT"] },
  timeframes: { "1m": { weight: 1, candles: 100 } },
  log: { level: "error" },
})

let app: RunningApp | undefined
afterAll(() => {
  ;(globalThis as { __exchangeDown?: boolean }).__exchangeDown = false
  return app?.close()
})

const health = async (url: string) => {
  const response = await fetch(new URL("/health", url))
  return {
    code: response.status,
    body: (await response.json()) as {
      status: string
      reasons: Array<string>
      components: Record<string, { status: string; reason?: string }>
    },
  }
}

const until = async <A>(
  what: string,
  read: () => Promise<A>,
  ok: (a: A) => boolean,
  timeoutMs = 20_000,
): Promise<A> => {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await Bun.sleep(50)
  }
}

test("market health follows the exchange: healthy, then not, with reasons, open circuits and events", async () => {
  app = await startApp(config)
  const url = app.url()
  const bus = app.get(EventBus)
  const changes: Array<VirtuosoEvent> = []
  await Effect.runPromise(
    Scope.provide(app.scope)(
      bus.subscribe(
        "health.changed",
        (event) =>
          Effect.sync(() => {
            changes.push(event)
          }),
        { name: "test:health" },
      ),
    ),
  )

  const first = await until(
    "healthy",
    () => health(url),
    (h) => h.body.components.market?.status === "healthy",
  )
  expect(first.code).toBe(200)

  ;(globalThis as { __exchangeDown?: boolean }).__exchangeDown = true
  const degraded = await until(
    "degraded",
    () => health(url),
    (h) => h.body.components.market?.status !== "healthy",
  )
  expect(degraded.body.components.market!.reason).toMatch(/switchable/)
  expect(degraded.body.reasons.some((r) => r.startsWith("market:"))).toBe(true)

  // The failing endpoints' breakers open; /health says which.
  const circuits = await until(
    "circuits open",
    () => health(url),
    (h) => h.body.components.circuits?.status !== "healthy",
  )
  expect(circuits.body.components.circuits!.reason).toMatch(/switchable:fetch\w+ open/)

  expect(
    changes.some(
      (e) => e.type === "health.changed" && e.payload.component === "market" && e.payload.previous === "healthy",
    ),
  ).toBe(true)
}, 40_000)
