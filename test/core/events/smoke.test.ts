import { expect, test } from "bun:test"
import { Deferred, Effect } from "effect"
import { EventBus, makeEvent } from "../../../core/events/index.ts"

test("publish reaches an exact subscriber and a prefix subscriber, not others", async () => {
  const out = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const got: Array<string> = []
        const done = yield* Deferred.make<void>()
        yield* bus.subscribe("plugin.*", (e) => Effect.sync(() => got.push(`p:${e.type}`)), { name: "p" })
        yield* bus.subscribe(
          "signal.emitted",
          (e) =>
            Effect.sync(() => got.push(`s:${e.payload.symbol}`)).pipe(
              Effect.andThen(Deferred.succeed(done, undefined)),
            ),
          { name: "s" },
        )
        yield* bus.publish(yield* makeEvent("plugin.loaded", { plugin: "rsi" }, { source: "t" }))
        yield* bus.publish(yield* makeEvent("market.ticker", { symbol: "BTC/USDT", time: 1, last: 2 }, { source: "t" }))
        yield* bus.publish(
          yield* makeEvent("signal.emitted", { symbol: "BTC/USDT", direction: "long", score: 80 }, { source: "t" }),
        )
        yield* Deferred.await(done)
        yield* bus.drain("1 second")
        return got
      }),
    ).pipe(Effect.provide(EventBus.layerTest)),
  )
  expect(out.sort()).toEqual(["p:plugin.loaded", "s:BTC/USDT"])
})
