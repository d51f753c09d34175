/** The transport seam: buses attached to one transport deliver each other's events unchanged. */
import { expect, test } from "bun:test"
import { Context, Deferred, Effect, Layer } from "effect"
import { EventBus, EventTransport, makeInProcessTransport } from "../../../core/events/index.ts"
import { signal } from "./support.ts"

test(
  "a second bus on the same transport receives what the first publishes; publishers and subscribers are " + "unchanged",
  async () => {
    // One transport shared by two bus instances stands in for a distributed one (Redis Streams).
    const transport = makeInProcessTransport()
    const busOn = EventBus.layerNoDeps.pipe(Layer.provide(Layer.succeed(EventTransport, transport)))
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const a = Context.get(yield* Layer.build(Layer.fresh(busOn)), EventBus)
          const b = Context.get(yield* Layer.build(Layer.fresh(busOn)), EventBus)
          const got = yield* Deferred.make<string>()
          yield* b.subscribe("signal.emitted", (e) => Deferred.succeed(got, e.id).pipe(Effect.asVoid), {
            name: "remote",
          })
          const event = yield* signal(1)
          yield* a.publish(event)
          return {
            sent: event.id,
            received: yield* Deferred.await(got),
            statsA: yield* a.stats,
            statsB: yield* b.stats,
          }
        }),
      ),
    )
    expect(result.received).toBe(result.sent)
    // Each bus counts what it received from the transport; dedup and lanes live on the receiving side.
    expect(result.statsA.published["signal.emitted"]).toBe(1)
    expect(result.statsB.published["signal.emitted"]).toBe(1)
  },
)
