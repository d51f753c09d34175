/**
 * The Redis Streams group consumer against a real Redis: ack only after the handler succeeded,
 * reclaim of a dead consumer's pending entries, recovery of its own after a restart, no race
 * with a slow handler, dead-lettering after too many deliveries.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Layer, Redacted } from "effect"
import {
  parsePendingSummary,
  RedisConnection,
  startGroupConsumer,
  type StreamEntry,
} from "../../../../../core/events/transports/redis/index.ts"
import { cleanup, REDIS_URL, redisAvailable, uniquePrefix, until } from "./redis-env.ts"

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

describe.skipIf(!redisAvailable)("group consumer", () => {
  const run = <A>(
    prefix: string,
    body: (redis: RedisConnection["Service"]) => Effect.Effect<A, unknown, import("effect").Scope.Scope>,
  ) =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const redis = Context.get(yield* Layer.build(connection(prefix)), RedisConnection)
          return yield* body(redis)
        }),
      ),
    )

  const options = (
    prefix: string,
    consumer: string,
    handle: (entries: ReadonlyArray<StreamEntry>) => Effect.Effect<void, unknown>,
  ) => ({
    stream: `${prefix}:s`,
    group: "g",
    consumer,
    startAt: "0" as const,
    batch: 50,
    blockMs: 100,
    claimIdleMs: 200,
    maxDeliveries: 3,
    deadLetters: `${prefix}:dlq`,
    handle,
  })

  const pending = (redis: RedisConnection["Service"], prefix: string) =>
    redis.send("XPENDING", [`${prefix}:s`, "g"]).pipe(Effect.map((r) => parsePendingSummary(r).count))

  test("acknowledges only after the handler succeeded; a failed batch is retried, then acked", async () => {
    const prefix = freshPrefix("ack")
    let calls = 0
    const handled: Array<string> = []
    await run(prefix, (redis) =>
      Effect.gen(function* () {
        for (let i = 0; i < 5; i++) yield* redis.send("XADD", [`${prefix}:s`, "*", "e", `m${i}`])
        const reader = yield* redis.dedicated
        const consumer = yield* startGroupConsumer(
          redis,
          reader,
          options(prefix, "c1", (entries) =>
            Effect.suspend(() => {
              calls++
              if (calls === 1) return Effect.fail(new Error("first call fails"))
              for (const e of entries) handled.push(e.raw!)
              return Effect.void
            }),
          ),
        )
        yield* Effect.promise(() => until(() => calls >= 1, 3000, "first call"))
        // The failed batch is still pending: nothing was acknowledged.
        expect(yield* pending(redis, prefix)).toBe(5)
        yield* Effect.promise(() => until(() => handled.length === 5, 5000, "retries after reclaim"))
        yield* Effect.promise(() =>
          until(async () => (await Effect.runPromise(pending(redis, prefix))) === 0, 3000, "acks"),
        )
        expect(consumer.stats().failedBatches).toBe(1)
        expect(consumer.stats().acked).toBe(5)
      }),
    )
    expect(handled.sort()).toEqual(["m0", "m1", "m2", "m3", "m4"])
  }, 15_000)

  test("entries a dead consumer held are reclaimed and handled once by a live one", async () => {
    const prefix = freshPrefix("reclaim")
    const handled: Array<string> = []
    await run(prefix, (redis) =>
      Effect.gen(function* () {
        yield* redis.send("XGROUP", ["CREATE", `${prefix}:s`, "g", "0", "MKSTREAM"])
        for (let i = 0; i < 20; i++) yield* redis.send("XADD", [`${prefix}:s`, "*", "e", `m${i}`])
        // "dead" reads 8 entries and never acknowledges them (as if killed mid-batch).
        yield* redis.send("XREADGROUP", ["GROUP", "g", "dead", "COUNT", "8", "STREAMS", `${prefix}:s`, ">"])
        const reader = yield* redis.dedicated
        const live = yield* startGroupConsumer(
          redis,
          reader,
          options(prefix, "live", (entries) =>
            Effect.sync(() => {
              for (const e of entries) handled.push(e.raw!)
            }),
          ),
        )
        yield* Effect.promise(() => until(() => handled.length >= 20, 5000, "all 20 handled"))
        yield* Effect.promise(() =>
          until(async () => (await Effect.runPromise(pending(redis, prefix))) === 0, 3000, "acks"),
        )
        expect(live.stats().reclaimed).toBe(8)
        expect(live.stats().lastReclaim?.from).toContain("dead")
      }),
    )
    expect(handled.length).toBe(20)
    expect(new Set(handled).size).toBe(20)
  }, 15_000)

  test("a consumer restarted under the same name handles its own pending entries first, without waiting " +
    "to reclaim", async () => {
    const prefix = freshPrefix("restart")
    const handled: Array<string> = []
    await run(prefix, (redis) =>
      Effect.gen(function* () {
        yield* redis.send("XGROUP", ["CREATE", `${prefix}:s`, "g", "0", "MKSTREAM"])
        for (let i = 0; i < 7; i++) yield* redis.send("XADD", [`${prefix}:s`, "*", "e", `m${i}`])
        // The previous life of "c" read 5 and died before acknowledging.
        yield* redis.send("XREADGROUP", ["GROUP", "g", "c", "COUNT", "5", "STREAMS", `${prefix}:s`, ">"])
        const reader = yield* redis.dedicated
        const consumer = yield* startGroupConsumer(redis, reader, {
          ...options(prefix, "c", (entries) =>
            Effect.sync(() => {
              for (const e of entries) handled.push(e.raw!)
            }),
          ),
          claimIdleMs: 60_000,
          batch: 2,
        })
        yield* Effect.promise(() => until(() => handled.length >= 7, 3000, "all handled"))
        expect(consumer.stats().reclaimed).toBe(0)
        yield* Effect.promise(() =>
          until(async () => (await Effect.runPromise(pending(redis, prefix))) === 0, 3000, "acks"),
        )
      }),
    )
    expect(handled).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6"])
  }, 15_000)

  test("a handler slower than claimIdleMs is not raced by its own reclaim: each entry handled once", async () => {
    const prefix = freshPrefix("slow")
    const handled: Array<string> = []
    await run(prefix, (redis) =>
      Effect.gen(function* () {
        for (let i = 0; i < 6; i++) yield* redis.send("XADD", [`${prefix}:s`, "*", "e", `m${i}`])
        const reader = yield* redis.dedicated
        const consumer = yield* startGroupConsumer(redis, reader, {
          ...options(prefix, "c", (entries) =>
            Effect.sleep("700 millis").pipe(
              Effect.andThen(
                Effect.sync(() => {
                  for (const e of entries) handled.push(e.raw!)
                }),
              ),
            ),
          ),
          batch: 2,
        })
        // Once every entry is acked nothing is pending, so nothing can be reclaimed any more.
        yield* Effect.promise(() => until(() => consumer.stats().acked >= 6, 8000, "all handled and acked"))
        expect(consumer.stats().reclaimed).toBe(0)
      }),
    )
    expect(handled).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"])
  }, 15_000)

  test("an entry that keeps failing is dead-lettered after maxDeliveries; the others are handled", async () => {
    const prefix = freshPrefix("dlq")
    const handled: Array<string> = []
    let poisonAttempts = 0
    await run(prefix, (redis) =>
      Effect.gen(function* () {
        for (const m of ["ok1", "poison", "ok2"]) yield* redis.send("XADD", [`${prefix}:s`, "*", "e", m])
        const reader = yield* redis.dedicated
        const consumer = yield* startGroupConsumer(
          redis,
          reader,
          options(prefix, "c", (entries) =>
            Effect.suspend(() => {
              if (entries.some((e) => e.raw === "poison")) {
                poisonAttempts++
                return Effect.fail(new Error("poison"))
              }
              for (const e of entries) handled.push(e.raw!)
              return Effect.void
            }),
          ),
        )
        yield* Effect.promise(() => until(() => consumer.stats().deadLettered === 1, 8000, "dead letter"))
        expect(yield* pending(redis, prefix)).toBe(0)
        const dlq = (yield* redis.send("XRANGE", [`${prefix}:dlq`, "-", "+"])) as Array<[string, Array<string>]>
        expect(dlq.length).toBe(1)
        const fields = dlq[0]![1]
        expect(fields[fields.indexOf("e") + 1]).toBe("poison")
        expect(Number(fields[fields.indexOf("deliveries") + 1])).toBeGreaterThan(3)
      }),
    )
    // The first batch held all three; after that each is retried on its own.
    expect(handled.sort()).toEqual(["ok1", "ok2"])
    expect(poisonAttempts).toBe(3)
  }, 15_000)
})
