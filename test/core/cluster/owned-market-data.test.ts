/**
 * MarketData in distributed mode (the whole engine in-process, sim exchange, real Redis): with a
 * live peer holding part of the symbols, this instance backfills and polls only its own share —
 * series, snapshots and candle events exist for owned symbols only — while `symbols` still lists
 * the cluster's whole tracked set; when the peer leaves, it takes the peer's symbols up
 * (backfill, then polling), and when a peer joins again it frees the series it handed over.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assign, SymbolOwnership } from "../../../core/cluster/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { Analysis } from "../../../core/analysis/index.ts"
import { EventBus } from "../../../core/events/index.ts"
import { RedisConnection } from "../../../core/events/transports/redis/index.ts"
import { MarketData, ResidentCandles } from "../../../core/market/index.ts"
import { startApp, type RunningApp } from "../../support/app.ts"
import { cleanup, REDIS_URL, redisAvailable, uniquePrefix, until } from "../events/transports/redis/redis-env.ts"

const prefix = uniquePrefix("market")
afterAll(() => cleanup(prefix))

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT", "ADA/USDT"]

const peer = (scope: Scope.Scope) =>
  Layer.buildWithScope(
    SymbolOwnership.layer({ instanceId: "peer", symbols: SYMBOLS, heartbeatMs: 100, ttlMs: 2000 }).pipe(
      Layer.provide(RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })),
    ),
    scope,
  ).pipe(Effect.map((context) => Context.get(context, SymbolOwnership)))

/** The symbols whose series this instance holds (keys are `symbol|timeframe`). */
const seriesSymbols = (app: RunningApp) =>
  [
    ...new Set(
      app
        .get(ResidentCandles)
        .keys()
        .map((k) => k.split("|")[0]!),
    ),
  ].sort()

describe.skipIf(!redisAvailable)("MarketData with a SymbolOwnership", () => {
  test("fetches only owned symbols, takes over a leaver's, frees what it hands over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "virtuoso-owned-market-"))
    const config = parseConfig({
      exchange: { plugin: "sim", speed: 50, pollMs: 100 },
      symbols: { static: SYMBOLS },
      timeframes: { "1m": { weight: 1, candles: 60 } },
      bus: { transport: "redis", url: REDIS_URL, prefix },
      cluster: { instanceId: "app", heartbeatMs: 100, ttlMs: 2000 },
      http: { enabled: false },
      store: { path: join(dir, "v.db") },
      plugins: { watch: false },
      alerts: { log: false },
    })
    const split = assign(SYMBOLS, ["app", "peer"])
    const mine = SYMBOLS.filter((s) => split.get(s) === "app").sort()
    const theirs = SYMBOLS.filter((s) => split.get(s) === "peer").sort()
    expect(mine.length).toBeGreaterThan(0)
    expect(theirs.length).toBeGreaterThan(0)

    const peerScope = await Effect.runPromise(Scope.make())
    let app: RunningApp | undefined
    try {
      await Effect.runPromise(peer(peerScope))
      app = await startApp(config)
      const market = app.get(MarketData)
      const analysis = app.get(Analysis)
      const candleSymbols = new Set<string>()
      await Effect.runPromise(
        Effect.forkDetach(
          app
            .get(EventBus)
            .subscribe(
              "market.candle.closed",
              (e) =>
                Effect.sync(() => {
                  if (e.source === "market") candleSymbols.add(e.payload.symbol)
                }),
              { name: "test-candles" },
            )
            .pipe(Effect.andThen(Effect.never), Effect.provideService(Scope.Scope, app.scope)),
        ),
      )
      await Effect.runPromise(market.awaitReady)

      // 1. Only the owned share is backfilled and polled; the tracked set is still all of it.
      // Analysis builds its series from the history events, which it may still be handling.
      await until(() => seriesSymbols(app!).join() === mine.join(), 10_000, "the owned series built")
      expect((await Effect.runPromise(market.stats)).symbols).toBe(mine.length)
      expect([...(await Effect.runPromise(market.symbols))].sort()).toEqual([...SYMBOLS].sort())
      expect(await Effect.runPromise(analysis.candles(theirs[0]!, "1m"))).toBeUndefined()
      expect(await Effect.runPromise(analysis.candles(mine[0]!, "1m"))).toBeDefined()
      await until(() => mine.every((s) => candleSymbols.has(s)), 10_000, "live candle events of every owned symbol")
      for (const symbol of candleSymbols) expect(mine).toContain(symbol)

      // 2. The peer leaves: this instance takes its symbols up (backfill, then live candles).
      await Effect.runPromise(Scope.close(peerScope, Exit.void))
      await until(
        () => seriesSymbols(app!).join() === [...SYMBOLS].sort().join(),
        10_000,
        "the peer's symbols taken up",
      )
      await until(
        async () => (await Effect.runPromise(analysis.candles(theirs[0]!, "1m")))?.close.length === 60,
        10_000,
        "a taken-up symbol backfilled",
      )
      await until(() => theirs.every((s) => candleSymbols.has(s)), 10_000, "live candles of the taken-up symbols")

      // 3. A peer joins again: the symbols handed back are unwatched and their series freed.
      const again = await Effect.runPromise(Scope.make())
      try {
        await Effect.runPromise(peer(again))
        await until(() => seriesSymbols(app!).join() === mine.join(), 10_000, "the handed-back series freed")
        expect(await Effect.runPromise(analysis.candles(theirs[0]!, "1m"))).toBeUndefined()
      } finally {
        await Effect.runPromise(Scope.close(again, Exit.void))
      }
    } finally {
      await Effect.runPromise(Scope.close(peerScope, Exit.void))
      await app?.close()
    }
  }, 60_000)
})
