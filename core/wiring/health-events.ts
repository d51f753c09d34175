/**
 * @module The health registry of the running engine: every transition goes on the bus as
 * `health.changed`, and readiness follows the config (no analysis, no first scores to wait for).
 */
import { Effect, Layer, Option } from "effect"
import { AppConfig } from "../config/index.ts"
import { EventBus, makeEvent } from "../events/index.ts"
import { HealthRegistry } from "../health/index.ts"

/** The registry of the running engine: health transitions go on the bus as `health.changed`. */
export const HealthRegistryLive = Layer.unwrap(Effect.gen(function* () {
  const bus = yield* Effect.serviceOption(EventBus)
  const config = yield* Effect.serviceOption(AppConfig)
  // Without analysis there is no "first data" to wait for: ready means markets loaded.
  const analysisOff = Option.isSome(config) && !config.value.analysis.enabled
  return HealthRegistry.layerWith({
    ...(analysisOff ? { requiredReadiness: ["markets"] } : {}),
    onChange: (change) => Option.isNone(bus) ? Effect.void : makeEvent("health.changed", { ...change }, { source: "health" }).pipe(
      Effect.flatMap((event) => bus.value.publish(event)),
      Effect.catch((error) => Effect.logWarning(`health.changed not published: ${String(error)}`)),
    ),
  })
}))
