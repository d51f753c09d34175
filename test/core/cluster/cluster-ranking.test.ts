/**
 * One ranking per cluster through the whole engine (sim exchange, real Redis): while a peer holds
 * the ranking lease this instance runs no top-symbol ranking and follows the tracked set the peer
 * announces (its top symbol included); when the peer leaves, this instance takes the lease and
 * ranks.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SymbolOwnership } from "../../../core/cluster/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { RedisConnection } from "../../../core/events/transports/redis/index.ts"
import { MarketData } from "../../../core/market/index.ts"
import { Metrics } from "../../../core/metrics/index.ts"
import { startApp, type RunningApp } from "../../support/app.ts"
import { cleanup, REDIS_URL, redisAvailable, uniquePrefix, until } from "../events/transports/redis/redis-env.ts"

const prefix = uniquePrefix("ranking-engine")
afterAll(() => cleanup(prefix))

const STATIC = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT"]
const PEERS_TOP = "ADA/USDT"
const REFRESHES = "virtuoso_market_top_symbols_refreshes_total"

describe.skipIf(!redisAvailable)("one ranking per cluster, engine-level", () => {
  test("a follower ranks nothing and serves the ranker's top symbol; it ranks once the ranker leaves", async () => {
    const peerScope = await Effect.runPromise(Scope.make())
    let app: RunningApp | undefined
    try {
      const peer = await Effect.runPromise(
        Layer.buildWithScope(
          SymbolOwnership.layer({ instanceId: "peer", symbols: STATIC, heartbeatMs: 100, ttlMs: 2000 }).pipe(
            Layer.provide(RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })),
          ),
          peerScope,
        ).pipe(Effect.map((context) => Context.get(context, SymbolOwnership))),
      )
      // The peer's ranking: its top-N (one symbol) joins its announcement for as long as it ranks.
      const rank = Effect.acquireRelease(peer.track([...STATIC, PEERS_TOP]), () => peer.track(STATIC))
      await Effect.runPromise(peer.ranking(rank).pipe(Effect.forkIn(peerScope)))
      await until(async () => (await Effect.runPromise(peer.snapshot)).ranker, 3000, "the peer holding the lease")

      const dir = mkdtempSync(join(tmpdir(), "virtuoso-cluster-ranking-"))
      app = await startApp(
        parseConfig({
          exchange: { plugin: "sim", speed: 50, pollMs: 100 },
          symbols: { static: STATIC, top: 3, refreshMs: 1000 },
          timeframes: { "1m": { weight: 1, candles: 60 } },
          bus: { transport: "redis", url: REDIS_URL, prefix },
          cluster: { instanceId: "app", heartbeatMs: 100, ttlMs: 2000 },
          http: { enabled: false },
          store: { path: join(dir, "v.db") },
          plugins: { watch: false },
          alerts: { log: false },
        }),
      )
      const market = app.get(MarketData)
      const ownership = app.get(SymbolOwnership)
      const metrics = app.get(Metrics)
      await Effect.runPromise(market.awaitReady)
      await until(
        async () => (await Effect.runPromise(market.symbols)).includes(PEERS_TOP),
        5000,
        "the peer's top symbol in the tracked set",
      )
      // Several refresh periods pass: still no ranking here.
      await Bun.sleep(1500)
      expect((await Effect.runPromise(ownership.snapshot)).ranker).toBe(false)
      expect(await Effect.runPromise(metrics.render)).not.toContain(REFRESHES)

      await Effect.runPromise(Scope.close(peerScope, Exit.void))
      await until(
        async () => (await Effect.runPromise(ownership.snapshot)).ranker,
        5000,
        "this instance taking the lease",
      )
      await until(
        async () => (await Effect.runPromise(metrics.render)).includes(REFRESHES),
        5000,
        "this instance ranking",
      )
      await until(
        async () => !(await Effect.runPromise(market.symbols)).includes(PEERS_TOP),
        5000,
        "the leaver's top symbol gone",
      )
    } finally {
      await Effect.runPromise(Scope.close(peerScope, Exit.void))
      await app?.close()
    }
  }, 60_000)
})
