/**
 * @module The engine on ccxt with its websocket port closed (a firewall that blocks websockets),
 * then opened, for any of the exchanges the local server speaks. What must hold, per exchange:
 * REST covers every stream from the first refused connection (order books and trades stay within
 * one poll interval), `/health` is "degraded" with the cause while data is current and never
 * "unhealthy", one info line says why; once the port opens the websockets take over again and one
 * info line says so.
 */
import { expect } from "bun:test"
import { Effect } from "effect"
import { MarketData } from "../../../../core/market/index.ts"
import { captureLogs, startApp, type RunningApp } from "../../../support/app.ts"
import { eventually } from "../../../support/eventually.ts"
import { closedPort, type ExchangeServer } from "../../../support/exchange-server/index.ts"
import { ccxtEngineConfig } from "./engine-config.ts"

export interface BlockedVenue {
  readonly id: "binance" | "bybit" | "okx"
  readonly urls: (server: ExchangeServer, wsPort: number) => unknown
  /** REST path of the order book: the cover polling books shows up as requests here. */
  readonly bookPath: string
}

export const VENUES: Readonly<Record<BlockedVenue["id"], BlockedVenue>> = {
  binance: { id: "binance", urls: (s, wsPort) => s.binanceUrls({ wsPort }), bookPath: "/api/v3/depth" },
  bybit: { id: "bybit", urls: (s, wsPort) => s.bybitUrls({ wsPort }), bookPath: "/v5/market/orderbook" },
  okx: { id: "okx", urls: (s, wsPort) => s.okxUrls({ wsPort }), bookPath: "/api/v5/market/books" },
}

/** The REST cover's cadence for books and trades (`DEFAULT_SUPERVISOR_OPTIONS.pollEveryMs`). */
const POLL_EVERY_S = 5
/** One poll's own time on a loaded two-core machine: a missing cover shows as ages far beyond this. */
const POLL_LATENCY_S = 3

type Health = { status: string; components: Record<string, { status: string; reason?: string }> }

/** `virtuoso_market_stream_age_seconds` per stream, from `/metrics`. */
const streamAges = async (url: string) => {
  const text = await (await fetch(new URL("/metrics", url))).text()
  const ages: Array<{ kind: string; symbol: string; age: number }> = []
  for (const m of text.matchAll(/^virtuoso_market_stream_age_seconds\{([^}]*)\} (\S+)$/gm)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1]!)?.[1] ?? ""
    ages.push({ kind: label("kind"), symbol: label("symbol"), age: Number(m[2]) })
  }
  return ages
}

export const websocketBlockedScenario = async (server: ExchangeServer, venue: BlockedVenue): Promise<void> => {
  const wsPort = closedPort()
  const config = ccxtEngineConfig({ id: venue.id, urls: venue.urls(server, wsPort) }, ["BTC/USDT", "ETH/USDT"])
  const { lines: logs, logger: capture } = captureLogs()
  let app: RunningApp | undefined
  try {
    app = await startApp(config, [capture])
    const url = app.url()
    const market = app.get(MarketData)
    const seen: Array<{ code: number; status: string }> = []
    const health = async () => {
      const res = await fetch(new URL("/health", url))
      const market = ((await res.json()) as Health).components.market
      seen.push({ code: res.status, status: market?.status ?? "absent" })
      return market
    }
    // Books are due one cadence after their last update: wait until REST has covered them twice.
    let booksAtFallback: number | undefined
    const degraded = await eventually(
      `${venue.id} market degraded with books polled over REST`,
      health,
      (m) => {
        if (!m?.reason?.includes("REST polling")) return false
        booksAtFallback ??= server.count(venue.bookPath)
        return server.count(venue.bookPath) >= booksAtFallback + 2
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    )
    expect(degraded?.status).toBe("degraded")
    expect(degraded?.reason).toMatch(/streams on REST polling \(websocket: Network: .*(refused|ECONNREFUSED|failed)/i)
    expect(degraded?.reason).toContain(`${venue.id} streams`)
    const stats = await Effect.runPromise(market.stats)
    expect(stats.streams?.byMode.streaming).toBe(0)
    expect(stats.lastPollAgeMs).toBeLessThan((POLL_EVERY_S + POLL_LATENCY_S) * 1000)
    // every book and trade series is within one poll interval while REST works
    const covered = (await streamAges(url)).filter((s) => s.kind === "orderbook" || s.kind === "trades")
    expect(covered.length).toBe(4)
    for (const s of covered)
      expect({ ...s, fresh: s.age <= POLL_EVERY_S + POLL_LATENCY_S }).toMatchObject({ fresh: true })
    const fallback = logs.filter((l) => l.includes("websocket not live for"))
    expect(fallback.length).toBe(1)
    expect(fallback[0]).toMatch(/\(Network: .*\); polling it over REST until the websocket delivers again/)

    // The firewall opens: the websocket retries in the background reach the server and take over.
    server.listenAlso(wsPort)
    await eventually(
      `${venue.id} websockets live again`,
      () => logs.filter((l) => l.includes("websocket live again on every stream")),
      (lines) => lines.length > 0,
      { timeoutMs: 60_000, intervalMs: 100 },
    )
    const after = await Effect.runPromise(market.stats)
    expect(after.streams?.byMode.streaming).toBe(after.streams?.total)
    expect((await health())?.reason ?? "").not.toContain("REST polling")
    expect(seen.filter((h) => h.code !== 200 || h.status === "unhealthy")).toEqual([])
  } finally {
    await app?.close()
  }
}
