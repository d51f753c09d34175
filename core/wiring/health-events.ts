/**
 * @module The health registry of the running engine: every transition goes on the bus as
 * `health.changed`, and readiness follows the config (no analysis, no first scores to wait for).
 */
import { Effect, Layer } from "effect"
import { AppConfig } from "../config/index.ts"
import { EventBus, makeEvent } from "../events/index.ts"
import { HealthRegistry } from "../health/index.ts"

/** The registry of the running engine: health transitions go on the bus as `health.changed`. */
export const HealthRegistryLive = Layer.unwrap(
  Effect.gen(function* () {
    const bus = yield* EventBus
    const config = yield* AppConfig
    return HealthRegistry.layerWith({
      // Without analysis there is no "first data" to wait for: ready means markets loaded.
      ...(config.analysis.enabled ? {} : { requiredReadiness: ["markets"] }),
      onChange: (change) =>
        makeEvent("health.changed", { ...change }, { source: "health" }).pipe(
          Effect.flatMap((event) => bus.publish(event)),
          Effect.catch((error) => Effect.logWarning(`health.changed not published: ${String(error)}`)),
        ),
    })
  }),
)
