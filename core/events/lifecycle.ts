/**
 * @module `system.started` when the engine is up and `system.stopping` when shutdown begins
 * (before the bus drains), so subscribers and recordings see where a run begins and ends.
 */
import { Effect, Layer } from "effect"
import { makeEvent } from "./catalogue.ts"
import { EventBus } from "./event-bus.ts"

export const SystemLifecycleLive = (version?: string) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const bus = yield* EventBus
      const info = version === undefined ? {} : { version }
      yield* bus
        .publish(yield* makeEvent("system.started", info, { source: "system" }))
        .pipe(Effect.catch((error) => Effect.logWarning(`system.started not published: ${String(error)}`)))
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          yield* bus.publish(yield* makeEvent("system.stopping", { reason: "shutdown" }, { source: "system" }))
        }).pipe(Effect.catch((error) => Effect.logWarning(`system.stopping not published: ${String(error)}`))),
      )
    }),
  )
