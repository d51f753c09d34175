/**
 * SharedState against a real Redis: a re-published event (same id) takes effect once, the
 * newest confluence per symbol wins whatever the arrival order, entries a dead consumer held
 * are applied by a live one, and market events count only from the symbol's owner. Entries and
 * stored summaries are decoded with the catalogue schema: a malformed one is dead-lettered or skipped.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Layer, Redacted } from "effect"
import { clusterKeys, SharedState } from "../../../core/cluster/index.ts"
import { RedisConnection } from "../../../core/events/transports/redis/index.ts"
import {
  cleanup,
  rawClient,
  REDIS_URL,
  redisAvailable,
  uniquePrefix,
  until,
} from "../events/transports/redis/redis-env.ts"

const prefixes: Array<string> = []
afterAll(async () => {
  for (const prefix of prefixes) await cleanup(prefix)
})

const confluence = (id: string, symbol: string, time: number, score: number) =>
  JSON.stringify({
    id,
    type: "analysis.confluence",
    version: 2,
    time,
    source: "analysis",
    payload: {
      symbol,
      timeframe: "all",
      time,
      score,
      direction: "neutral",
      agree: null,
      consensus: null,
      confidence: null,
      components: { technical: score },
      timeframes: {},
      partial: false,
      missing: [],
    },
  })
const candle = (id: string, symbol: string) =>
  JSON.stringify({
    id,
    type: "market.candle.closed",
    version: 1,
    time: 1,
    source: "market",
    payload: { symbol, timeframe: "1m", candle: { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 } },
  })

describe.skipIf(!redisAvailable)("SharedState", () => {
  test("exactly-once effects, newest wins, dead consumer's entries applied, market inputs acknowledged " +
    "without effect", async () => {
    const prefix = uniquePrefix("state")
    prefixes.push(prefix)
    const keys = clusterKeys(prefix)
    const raw = rawClient()
    await raw.send("XGROUP", ["CREATE", keys.bus, keys.stateGroup, "0", "MKSTREAM"])
    const add = (json: string, origin = "x") => raw.send("XADD", [keys.bus, "*", "e", json, "o", origin])
    // "dead" takes two entries and never acknowledges them.
    await add(confluence("E1", "BTC/USDT", 100, 10))
    await add(confluence("E2", "ETH/USDT", 100, 20))
    await raw.send("XREADGROUP", ["GROUP", keys.stateGroup, "dead", "COUNT", "2", "STREAMS", keys.bus, ">"])
    await add(confluence("E1", "BTC/USDT", 100, 10)) // the same event published again
    await add(confluence("E3", "BTC/USDT", 300, 30))
    await add(confluence("E4", "BTC/USDT", 200, 99)) // older than E3: must not win
    await add(candle("C1", "BTC/USDT"), "owner")
    await add(candle("C2", "BTC/USDT"), "other")

    const layer = SharedState.layer(
      { instanceId: "live", batch: 100, claimIdleMs: 200, maxDeliveries: 5, logMaxLen: 10_000 },
      (origin) => origin === "owner",
    ).pipe(Layer.provide(RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })))

    const [stats, latest] = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const state = Context.get(yield* Layer.build(layer), SharedState)
          yield* Effect.promise(() =>
            until(async () => (await Effect.runPromise(state.stats)).consumer.reclaimed === 2, 5000, "reclaim"),
          )
          yield* Effect.promise(() =>
            until(async () => (await Effect.runPromise(state.stats)).applied === 4, 5000, "applied"),
          )
          return [yield* state.stats, yield* state.latest] as const
        }),
      ),
    )
    const log = (await raw.send("XRANGE", [keys.log, "-", "+"])) as Array<[string, Array<string>]>
    const pending = (await raw.send("XPENDING", [keys.bus, keys.stateGroup])) as [number]
    raw.close()

    // Market inputs are not durable (each instance records its own): acknowledged, never logged.
    expect(stats.applied).toBe(4) // E1 E2 E3 E4
    expect(stats.duplicates).toBe(1) // E1 again
    expect(pending[0]).toBe(0)
    const ids = log.map(([, f]) => JSON.parse(f[1]!).id)
    expect(ids.sort()).toEqual(["E1", "E2", "E3", "E4"])
    expect(latest.map((c) => [c.symbol, c.score])).toEqual([
      ["BTC/USDT", 30],
      ["ETH/USDT", 20],
    ])
  }, 15_000)

  test("a durable entry whose payload fails its schema goes to the DLQ with the decode error; a bad summary " +
    "is skipped", async () => {
    const prefix = uniquePrefix("state-invalid")
    prefixes.push(prefix)
    const keys = clusterKeys(prefix)
    const raw = rawClient()
    await raw.send("XGROUP", ["CREATE", keys.bus, keys.stateGroup, "0", "MKSTREAM"])
    const add = (json: string) => raw.send("XADD", [keys.bus, "*", "e", json, "o", "x"])
    const bad = JSON.parse(confluence("B1", "ETH/USDT", 100, 10))
    bad.payload.score = "high"
    await add(JSON.stringify(bad))
    await add(confluence("G1", "BTC/USDT", 100, 40))
    // A hash value no instance would write: read back through the schema, it is not served.
    await raw.send("HSET", [keys.latest, "SOL/USDT", JSON.stringify({ symbol: "SOL/USDT", score: "high" })])

    const layer = SharedState.layer({
      instanceId: "live",
      batch: 100,
      claimIdleMs: 200,
      maxDeliveries: 5,
      logMaxLen: 10_000,
    }).pipe(Layer.provide(RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })))
    const [stats, latest, sol, afterReads] = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const state = Context.get(yield* Layer.build(layer), SharedState)
          yield* Effect.promise(() =>
            until(async () => (await Effect.runPromise(state.stats)).applied === 1, 5000, "applied"),
          )
          return [
            yield* state.stats,
            yield* state.latest,
            yield* state.latestFor("SOL/USDT"),
            yield* state.stats,
          ] as const
        }),
      ),
    )
    const dlq = (await raw.send("XRANGE", [keys.deadLetters, "-", "+"])) as Array<[string, Array<string>]>
    const pending = (await raw.send("XPENDING", [keys.bus, keys.stateGroup])) as [number]
    raw.close()

    expect(stats.invalid).toBe(1)
    expect(pending[0]).toBe(0)
    expect(dlq.length).toBe(1)
    const fields = dlq[0]![1]
    expect(JSON.parse(fields[fields.indexOf("e") + 1]!).id).toBe("B1")
    expect(fields[fields.indexOf("reason") + 1]).toContain("analysis.confluence")
    expect(fields[fields.indexOf("reason") + 1]).toContain("score")
    expect(latest.map((c) => [c.symbol, c.score])).toEqual([["BTC/USDT", 40]])
    expect(sol).toBeUndefined()
    // Both reads skipped the bad value and counted it.
    expect(afterReads.unreadableLatest - stats.unreadableLatest).toBe(2)
  }, 15_000)
})
