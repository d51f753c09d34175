/**
 * The Redis Streams transport against a real Redis: fan-out to every bus, no loss, invalid
 * entries to the DLQ; a connection error that names the server but not the password. The group
 * consumer under it has its own file (`group-consumer.test.ts`).
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Layer, Redacted } from "effect"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../../../../core/events/index.ts"
import { RedisConnection, RedisTransport, streamKeys } from "../../../../../core/events/transports/redis/index.ts"
import { cleanup, rawClient, REDIS_URL, redisAvailable, uniquePrefix, until } from "./redis-env.ts"

const prefixes: Array<string> = []
afterAll(async () => {
  for (const prefix of prefixes) await cleanup(prefix)
})
const freshPrefix = (name: string) => {
  const prefix = uniquePrefix(name)
  prefixes.push(prefix)
  return prefix
}

const connection = (prefix: string) => RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })
const busOver = (prefix: string, instanceId: string) =>
  EventBus.layerNoDeps.pipe(
    Layer.provide(RedisTransport.layerEventTransport),
    Layer.provideMerge(RedisTransport.layer({ instanceId, claimIdleMs: 300, blockMs: 100 })),
    Layer.provideMerge(connection(prefix)),
  )

const ticker = (i: number) =>
  makeEvent("market.ticker", { symbol: "BTC/USDT", time: i, last: 100 + i }, { source: "test" })

describe.skipIf(!redisAvailable)("RedisTransport", () => {
  test("every bus receives every event once, publishers' own included, none lost", async () => {
    const prefix = freshPrefix("fanout")
    const seenA: Array<number> = []
    const seenB: Array<number> = []
    const N = 3000
    const program = Effect.gen(function* () {
      const a = Context.get(yield* Layer.build(busOver(prefix, "a")), EventBus)
      const b = Context.get(yield* Layer.build(busOver(prefix, "b")), EventBus)
      yield* a.subscribe(
        "market.ticker",
        (e) =>
          Effect.sync(() => {
            seenA.push(e.payload.time)
          }),
        { name: "a" },
      )
      yield* b.subscribe(
        "market.ticker",
        (e) =>
          Effect.sync(() => {
            seenB.push(e.payload.time)
          }),
        { name: "b" },
      )
      const events: Array<VirtuosoEvent> = []
      for (let i = 0; i < N; i++) events.push(yield* ticker(i))
      for (let i = 0; i < N; i += 500) yield* a.publishAll(events.slice(i, i + 500))
      yield* Effect.promise(() =>
        until(() => seenB.length >= N && seenA.length >= N, 10_000, "all events on both buses"),
      )
      // The stream is ordered: a duplicate of an earlier event (a's own, read back from the
      // stream) would reach the buses before this last one.
      yield* a.publish(yield* ticker(N))
      yield* Effect.promise(() =>
        until(() => seenA.includes(N) && seenB.includes(N), 10_000, "the last event on both buses"),
      )
    })
    await Effect.runPromise(Effect.scoped(program))
    expect(seenA).toEqual(Array.from({ length: N + 1 }, (_, i) => i))
    expect(seenB).toEqual(Array.from({ length: N + 1 }, (_, i) => i))
  }, 20_000)

  test("an invalid entry goes to the dead-letter stream, valid neighbours are delivered", async () => {
    const prefix = freshPrefix("invalid")
    const keys = streamKeys(prefix)
    const seen: Array<number> = []
    const raw = rawClient()
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const bus = Context.get(yield* Layer.build(busOver(prefix, "b")), EventBus)
          yield* bus.subscribe(
            "market.ticker",
            (e) =>
              Effect.sync(() => {
                seen.push(e.payload.time)
              }),
            { name: "b" },
          )
          const good = yield* ticker(7)
          yield* Effect.promise(async () => {
            await raw.send("XADD", [keys.bus, "*", "e", "{not json", "o", "other"])
            await raw.send("XADD", [
              keys.bus,
              "*",
              "e",
              JSON.stringify({ ...good, payload: { symbol: 1 } }),
              "o",
              "other",
            ])
            await raw.send("XADD", [keys.bus, "*", "e", JSON.stringify(good), "o", "other"])
            await until(() => seen.length === 1, 5000, "the valid event")
          })
        }),
      ),
    )
    const dlq = (await raw.send("XRANGE", [keys.deadLetters, "-", "+"])) as Array<[string, Array<string>]>
    raw.close()
    expect(seen).toEqual([7])
    expect(dlq.length).toBe(2)
    expect(dlq.map(([, f]) => f[f.indexOf("reason") + 1])).toEqual([
      expect.stringContaining("not JSON"),
      expect.stringContaining("market.ticker"),
    ])
  }, 15_000)
})

describe("RedisConnection", () => {
  test("a failed connection names host:port, never the password in the URL", async () => {
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          return yield* Effect.result(
            Layer.build(
              RedisConnection.layer({
                url: Redacted.make("redis://:hunter2@127.0.0.1:1"),
                prefix: "x",
                connectTimeoutMs: 500,
              }),
            ),
          )
        }),
      ),
    )
    expect(result._tag).toBe("Failure")
    const message = JSON.stringify(result)
    expect(message).toContain("127.0.0.1:1")
    expect(message).not.toContain("hunter2")
  }, 15_000)
})
