/**
 * One ranking per cluster, against a real Redis: of two instances exactly one ranks; a clean
 * leave releases the lease, so the other takes it at its next heartbeat; a holder that died (its
 * key left behind) is replaced once the key expires. The waits that show nothing happens (never
 * two rankers, no takeover while a lease stands) sample over several heartbeats. Then the
 * cluster's keys on a real 3-node Redis Cluster started on loopback ports: every key shares the
 * prefix's hash tag, so the heartbeat script (several keys at once) and the lease run on the node
 * that owns that slot, also for an instance whose URL names another node (it follows the MOVED
 * redirect).
 */
import { afterAll, describe, expect, test } from "bun:test"
import { RedisClient } from "bun"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { clusterKeys, SymbolOwnership } from "../../../core/cluster/index.ts"
import { RedisConnection } from "../../../core/events/transports/redis/index.ts"
import { redisCli, redisServer, startRedisCluster } from "../../support/redis-cluster.ts"
import { cleanup, REDIS_URL, redisAvailable, uniquePrefix, until } from "../events/transports/redis/redis-env.ts"

const prefix = uniquePrefix("ranking")
afterAll(() => cleanup(prefix))

/** An instance whose ranking marks itself active for as long as its term lasts. */
const instance = async (id: string, url: string, active: Set<string>, keyPrefix = prefix) => {
  const scope = await Effect.runPromise(Scope.make())
  const owner = await Effect.runPromise(
    Layer.buildWithScope(
      SymbolOwnership.layer({ instanceId: id, symbols: ["BTC/USDT"], heartbeatMs: 50, ttlMs: 400 }).pipe(
        Layer.provide(RedisConnection.layer({ url: Redacted.make(url), prefix: keyPrefix })),
      ),
      scope,
    ).pipe(Effect.map((context) => Context.get(context, SymbolOwnership))),
  )
  const rank = Effect.acquireRelease(
    Effect.sync(() => void active.add(id)),
    () => Effect.sync(() => void active.delete(id)),
  )
  await Effect.runPromise(owner.ranking(rank).pipe(Effect.forkIn(scope)))
  return { owner, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

describe.skipIf(!redisAvailable)("one ranking per cluster (lease in Redis)", () => {
  test("exactly one instance ranks; a clean leave hands over at once; a dead holder's lease expires", async () => {
    const active = new Set<string>()
    const a = await instance("a", REDIS_URL, active)
    const b = await instance("b", REDIS_URL, active)
    try {
      await until(() => active.size === 1, 2000, "one ranker")
      // Hold it for several heartbeats: never two at once.
      for (let i = 0; i < 10; i++) {
        expect(active.size).toBe(1)
        await Bun.sleep(30)
      }
      const [leader, follower] = active.has("a") ? [a, b] : [b, a]
      expect((await Effect.runPromise(leader.owner.snapshot)).ranker).toBe(true)
      expect((await Effect.runPromise(follower.owner.snapshot)).ranker).toBe(false)

      // Clean leave: closing releases the lease (the key is gone, or already the follower's), so
      // the follower takes it at its next heartbeat instead of waiting out the ttl.
      const leaderId = leader.owner.instanceId
      await leader.close()
      const redis = new RedisClient(REDIS_URL)
      try {
        expect(await redis.send("GET", [clusterKeys(prefix).ranker])).not.toBe(leaderId)
        await until(() => active.size === 1 && active.has(follower.owner.instanceId), 2000, "the follower ranking")

        // A holder that died: its lease stays until the ttl (long here, so a slow start of c
        // cannot outlast it); c ranks nothing over several heartbeats, then takes over once the
        // key expires.
        await follower.close()
        await redis.send("SET", [clusterKeys(prefix).ranker, "ghost", "PX", "60000"])
        const c = await instance("c", REDIS_URL, active)
        try {
          for (let i = 0; i < 10; i++) {
            expect(active.size).toBe(0)
            await Bun.sleep(30)
          }
          expect(await redis.send("GET", [clusterKeys(prefix).ranker])).toBe("ghost")
          await redis.send("PEXPIRE", [clusterKeys(prefix).ranker, "1"])
          await until(() => active.has("c"), 2000, "c taking over from the dead holder")
        } finally {
          await c.close()
        }
      } finally {
        redis.close()
      }
    } finally {
      await a.close().catch(() => undefined)
      await b.close().catch(() => undefined)
    }
  }, 20_000)
})

if ((redisServer === null || redisCli === null) && process.env.CI)
  throw new Error("CI requires redis-server and redis-cli on the PATH for the Redis Cluster test")

describe.skipIf(redisServer === null || redisCli === null)("on a 3-node Redis Cluster (loopback)", () => {
  test("every cluster key lives in the prefix's slot: heartbeat, tracked set and lease work on its node", async () => {
    const cluster = await startRedisCluster()
    try {
      const { cli, ports } = cluster
      const clusterPrefix = uniquePrefix("cluster")
      const keys = clusterKeys(clusterPrefix)
      const { slotOf } = cluster
      const slot = await slotOf(keys.instances)
      for (const key of [keys.tracked, keys.ranker, keys.bus, keys.deadLetters, keys.log, keys.latest, keys.left("a")])
        expect(await slotOf(key)).toBe(slot)
      // Without the hash tag the heartbeat's two keys would land in different slots (CROSSSLOT).
      expect(await slotOf(`${clusterPrefix}:instances`)).not.toBe(await slotOf(`${clusterPrefix}:tracked`))

      // The node that owns the slot serves the whole cluster's keys; an instance configured with
      // another node follows its MOVED redirect there.
      const owner = await cluster.ownerOf(slot)
      expect(ports).toContain(owner!)
      const other = ports.find((p) => p !== owner)!
      const active = new Set<string>()
      const a = await instance("a", `redis://127.0.0.1:${owner}`, active, clusterPrefix)
      const b = await instance("b", `redis://127.0.0.1:${other}`, active, clusterPrefix)
      try {
        await until(() => active.size === 1, 3000, "one ranker on the cluster")
        await until(
          async () => (await Effect.runPromise(a.owner.snapshot)).live.length === 2,
          3000,
          "both instances live",
        )
        const snap = await Effect.runPromise(a.owner.snapshot)
        expect(snap.live).toEqual(["a", "b"])
        expect(snap.lastError).toBeUndefined()
        // The keys really are on that node.
        expect(Number((await cli(owner!, "cluster", "countkeysinslot", String(slot))).trim())).toBeGreaterThanOrEqual(3)
      } finally {
        await a.close()
        await b.close()
      }
    } finally {
      await cluster.stop()
    }
  }, 60_000)
})
