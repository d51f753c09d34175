/**
 * OwnedEventBus against a real Redis: with a peer holding part of the symbols, a subscriber
 * behind it gets events of owned symbols only, and symbol-less events only when published
 * locally — so signals and alerts fire once per cluster.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Layer, Redacted } from "effect"
import { assign, clusterKeys, OwnedEventBus, SymbolOwnership } from "../../../core/cluster/index.ts"
import { EventBus, makeEvent } from "../../../core/events/index.ts"
import { RedisConnection, RedisTransport } from "../../../core/events/transports/redis/index.ts"
import {
  cleanup,
  rawClient,
  REDIS_URL,
  redisAvailable,
  uniquePrefix,
  until,
} from "../events/transports/redis/redis-env.ts"

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT", "ADA/USDT"]
const prefix = uniquePrefix("owned")
afterAll(() => cleanup(prefix))

describe.skipIf(!redisAvailable)("OwnedEventBus", () => {
  test("symbol events reach only the owner; symbol-less events only their publisher", async () => {
    const keys = clusterKeys(prefix)
    const raw = rawClient()
    // A live peer "b" (heartbeat on Redis's clock, far from expiring during the test).
    const [sec] = (await raw.send("TIME", [])) as [string, string]
    await raw.send("ZADD", [keys.instances, String(Number(sec) * 1000 + 50_000), "b"])
    const split = assign(SYMBOLS, ["a", "b"])
    const mine = SYMBOLS.filter((s) => split.get(s) === "a")
    const theirs = SYMBOLS.filter((s) => split.get(s) === "b")
    expect(mine.length).toBeGreaterThan(0)
    expect(theirs.length).toBeGreaterThan(0)

    const base = EventBus.layerNoDeps.pipe(
      Layer.provide(RedisTransport.layerEventTransport),
      Layer.provideMerge(
        Layer.mergeAll(
          RedisTransport.layer({ instanceId: "a", blockMs: 100 }),
          SymbolOwnership.layer({ instanceId: "a", symbols: SYMBOLS, heartbeatMs: 200, ttlMs: 60_000 }),
        ),
      ),
      Layer.provideMerge(RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })),
    )
    const seen: Array<string> = []
    const all: Array<string> = []
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(OwnedEventBus.pipe(Layer.provideMerge(base)))
          const owned = Context.get(context, EventBus)
          yield* owned.subscribe(
            "*",
            (e) =>
              Effect.sync(() => {
                seen.push(`${e.source}:${(e.payload as { symbol?: string }).symbol ?? "-"}`)
              }),
            { name: "owned" },
          )
          const remote = async (symbol: string | undefined, n: number, market = false) => {
            const event =
              symbol === undefined
                ? Effect.runSync(makeEvent("system.started", {}, { source: `b${n}` }))
                : market
                  ? Effect.runSync(makeEvent("market.ticker", { symbol, time: n, last: 1 }, { source: `b${n}` }))
                  : Effect.runSync(
                      makeEvent("signal.emitted", { symbol, direction: "long", score: 1 }, { source: `b${n}` }),
                    )
            await raw.send("XADD", [keys.bus, "*", "e", JSON.stringify(event), "o", "b"])
            all.push(`b${n}:${symbol ?? "-"}`)
          }
          yield* Effect.promise(async () => {
            await remote(mine[0], 1)
            await remote(theirs[0], 2)
            await remote(undefined, 3)
          })
          yield* owned.publish(yield* makeEvent("system.started", {}, { source: "a1" }))
          yield* owned.publish(
            yield* makeEvent("market.ticker", { symbol: theirs[0]!, time: 1, last: 1 }, { source: "a2" }),
          )
          yield* Effect.promise(() =>
            until(() => seen.includes("b1:" + mine[0]) && seen.includes("a1:-"), 5000, "owned events"),
          )
          // A peer's market input, even for an owned symbol, is its own fetch (a hand-over in
          // flight): Analysis and the recorder take only this instance's.
          yield* Effect.promise(() => remote(mine[0], 5, true))
          // Entries are read in stream order: once this last owned one is handled, the others
          // before it have been filtered or delivered.
          yield* Effect.promise(() => remote(mine[0], 4))
          yield* Effect.promise(() => until(() => seen.includes("b4:" + mine[0]), 5000, "the last owned event"))
        }),
      ),
    )
    raw.close()
    expect(seen.sort()).toEqual([`a1:-`, `b1:${mine[0]}`, `b4:${mine[0]}`].sort())
    expect(all.length).toBe(5)
  }, 15_000)
})
