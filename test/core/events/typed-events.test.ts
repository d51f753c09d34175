/**
 * Payloads are typed by their event type end to end: `makeEvent` takes only its type's payload, a
 * subscriber to a type (or to a prefix) is handed that payload (or the union of the prefix's types)
 * without a cast, and an event from outside the process is decoded with its type's schema before
 * anything reads it. The `@ts-expect-error` lines are checked by tsc (`test/typecheck.test.ts`):
 * were the typing lost, each would be an unused directive and fail the type-check.
 */
import { expect, test } from "bun:test"
import { Deferred, Effect } from "effect"
import { decodeEvent, EventBus, makeEvent } from "../../../core/events/index.ts"

const source = { source: "test" }
const candle = { time: 60_000, open: 1, high: 3, low: 1, close: 2, volume: 5 }

test("makeEvent takes only its type's payload", async () => {
  const ticker = await Effect.runPromise(makeEvent("market.ticker", { symbol: "BTC/USDT", time: 1, last: 2 }, source))
  expect(ticker.payload.last).toBe(2)
  // Never run: these calls exist for the type-check.
  const _rejected = () => [
    // @ts-expect-error a ticker without its price
    makeEvent("market.ticker", { symbol: "BTC/USDT", time: 1 }, source),
    // @ts-expect-error a signal's payload under a ticker's type
    makeEvent("market.ticker", { symbol: "BTC/USDT", direction: "long", score: 80 }, source),
    // @ts-expect-error no such event type
    makeEvent("market.tickr", { symbol: "BTC/USDT", time: 1, last: 2 }, source),
  ]
})

test("a subscriber gets its type's payload; a prefix subscriber the union of the prefix's types", async () => {
  const seen = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const seen: Array<string> = []
        const done = yield* Deferred.make<void>()
        yield* bus.subscribe(
          "market.ticker",
          (event) =>
            Effect.sync(() => {
              const last: number = event.payload.last
              // @ts-expect-error a ticker has no candle
              const _candle = event.payload.candle
              seen.push(`ticker ${last}`)
            }),
          { name: "ticker" },
        )
        yield* bus.subscribe(
          "market.*",
          (event) => {
            // @ts-expect-error a market.* subscriber never sees a signal
            if (event.type === "signal.emitted") return Effect.void
            if (event.type !== "market.candle.closed") return Effect.void
            const close: number = event.payload.candle.close
            seen.push(`candle ${close}`)
            return Deferred.succeed(done, undefined)
          },
          { name: "market" },
        )
        yield* bus.publish(yield* makeEvent("market.ticker", { symbol: "BTC/USDT", time: 1, last: 2 }, source))
        yield* bus.publish(
          yield* makeEvent("market.candle.closed", { symbol: "BTC/USDT", timeframe: "1m", candle }, source),
        )
        yield* Deferred.await(done)
        yield* bus.drain("1 second")
        return seen
      }),
    ).pipe(Effect.provide(EventBus.layerTest)),
  )
  expect(seen.sort()).toEqual(["candle 2", "ticker 2"])
})

test("an event from outside is decoded with its type's schema; a malformed payload is refused with the reason", () => {
  const envelope = { id: "e1", type: "market.ticker", version: 1, time: 1, source: "redis" }
  const good = decodeEvent({ ...envelope, payload: { symbol: "BTC/USDT", time: 1, last: 2 } })
  expect(good.ok && good.event.type === "market.ticker" && good.event.payload.last).toBe(2)
  const bad = decodeEvent({ ...envelope, payload: { symbol: "BTC/USDT", time: 1, last: "2" } })
  expect(bad.ok).toBe(false)
  expect(bad.ok ? "" : bad.error).toMatch(/^market\.ticker: .*last/s)
  const unknown = decodeEvent({ ...envelope, type: "market.tickr", payload: {} })
  expect(unknown).toEqual({ ok: false, error: 'unknown event type "market.tickr"' })
})
