/**
 * @module The breaker registry of the running engine: every transition goes on the bus as
 * `circuit.changed` (stored, queryable, on the dashboard), and one ExchangeGuards set shares
 * each exchange's rate budget and bulkhead among all its callers.
 */
import { Effect, Layer } from "effect"
import { EventBus, makeEvent } from "../events/index.ts"
import { CircuitBreakers, ExchangeGuards } from "../resilience/index.ts"

const CircuitBreakersLive = Layer.unwrap(
  Effect.gen(function* () {
    const bus = yield* EventBus
    return CircuitBreakers.layerWith({
      onStateChange: (change) =>
        makeEvent(
          "circuit.changed",
          {
            name: change.name,
            state: change.to,
            previous: change.from,
            reason: change.reason,
          },
          { source: "resilience" },
        ).pipe(
          Effect.flatMap((event) => bus.publish(event)),
          Effect.catch((error) => Effect.logWarning(`circuit.changed not published: ${String(error)}`)),
        ),
    })
  }),
)

/** Breakers and exchange guards together, as the app provides them. */
export const ResilienceLive = ExchangeGuards.layer.pipe(Layer.provideMerge(CircuitBreakersLive))
