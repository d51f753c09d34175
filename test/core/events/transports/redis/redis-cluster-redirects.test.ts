/**
 * The Redis client on a real 3-node Redis Cluster (loopback, started by the test): `bus.url` may
 * name any node. A node that does not serve the key's slot answers MOVED and the connection moves
 * to the owner; while the slot migrates, a key the owner no longer has is answered with ASK and
 * that one command goes to the importing node after `ASKING`. Then the bus's own keys (one hash
 * tag, so one slot) through a connection opened on a node that does not own them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { Effect, Redacted } from "effect"
import { clusterKeys } from "../../../../../core/cluster/index.ts"
import { openRedis } from "../../../../../core/events/transports/redis/connection.ts"
import { redirectOf, urlAt } from "../../../../../core/events/transports/redis/redirects.ts"
import { type RedisCluster, redisCli, redisServer, startRedisCluster } from "../../../../support/redis-cluster.ts"
import { uniquePrefix } from "./redis-env.ts"

test("redirect replies parse; a node's URL keeps the credentials", () => {
  expect(redirectOf(new Error("MOVED 3999 127.0.0.1:6381"))).toEqual({
    kind: "MOVED",
    slot: 3999,
    address: "127.0.0.1:6381",
  })
  expect(redirectOf(new Error("ASK 12182 10.0.0.2:7002"))).toEqual({
    kind: "ASK",
    slot: 12182,
    address: "10.0.0.2:7002",
  })
  expect(redirectOf(new Error("ERR unknown command"))).toBeUndefined()
  expect(urlAt("redis://:s3cret@127.0.0.1:7000", "127.0.0.1:7002")).toBe("redis://:s3cret@127.0.0.1:7002")
})

describe.skipIf(redisServer === null || redisCli === null)("on a 3-node Redis Cluster (loopback)", () => {
  let cluster: RedisCluster
  beforeAll(async () => {
    cluster = await startRedisCluster()
  }, 60_000)
  afterAll(() => cluster?.stop())

  const at = (port: number) => Redacted.make(`redis://127.0.0.1:${port}`)

  test("MOVED: a connection to another node follows the slot to its owner and stays there", async () => {
    const key = `{${uniquePrefix("moved")}}:k`
    const owner = await cluster.ownerOf(await cluster.slotOf(key))
    const other = cluster.ports.find((p) => p !== owner)!
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const redis = yield* openRedis(at(other))
          yield* redis.send("SET", [key, "v1"])
          const value = yield* redis.send("GET", [key])
          yield* redis.send("XADD", [`${key}:stream`, "*", "f", "x"])
          return { value, redirects: { ...redis.redirects } }
        }),
      ),
    )
    expect(result.value).toBe("v1")
    expect(result.redirects).toEqual({ moved: 1, ask: 0 }) // moved once, then every command went to the owner
    expect((await cluster.cli(owner, "get", key)).trim()).toBe("v1")
  }, 20_000)

  test("ASK: while the slot migrates, a key the owner lacks goes to the importing node", async () => {
    const key = `{${uniquePrefix("ask")}}:new`
    const slot = await cluster.slotOf(key)
    const owner = await cluster.ownerOf(slot)
    const target = cluster.ports.find((p) => p !== owner)!
    const [ownerId, targetId] = [await cluster.nodeId(owner), await cluster.nodeId(target)]
    await cluster.cli(target, "cluster", "setslot", String(slot), "importing", ownerId)
    await cluster.cli(owner, "cluster", "setslot", String(slot), "migrating", targetId)
    try {
      const redirects = await Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const redis = yield* openRedis(at(owner))
            yield* redis.send("SET", [key, "imported"])
            return { ...redis.redirects }
          }),
        ),
      )
      expect(redirects).toEqual({ moved: 0, ask: 1 })
      expect(Number((await cluster.cli(target, "cluster", "countkeysinslot", String(slot))).trim())).toBe(1)
      expect(Number((await cluster.cli(owner, "cluster", "countkeysinslot", String(slot))).trim())).toBe(0)
    } finally {
      await cluster.cli(owner, "cluster", "setslot", String(slot), "stable")
      await cluster.cli(target, "cluster", "setslot", String(slot), "stable")
    }
  }, 20_000)

  test("the cluster's own keys through a node that does not own their slot", async () => {
    const prefix = uniquePrefix("bus")
    const keys = clusterKeys(prefix)
    const owner = await cluster.ownerOf(await cluster.slotOf(keys.bus))
    const other = cluster.ports.find((p) => p !== owner)!
    const entries = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const redis = yield* openRedis(at(other))
          for (let i = 0; i < 20; i++) yield* redis.send("XADD", [keys.bus, "*", "n", String(i)])
          yield* redis.send("SET", [keys.ranker, "a", "PX", "5000"])
          return yield* redis.send("XLEN", [keys.bus])
        }),
      ),
    )
    expect(entries).toBe(20)
    expect((await cluster.cli(owner, "get", keys.ranker)).trim()).toBe("a")
  }, 20_000)
})
