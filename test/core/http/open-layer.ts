import { Effect, Exit, Layer, Logger, References, Scope } from "effect"

/** Builds a layer in a fresh scope, capturing debug logs; returns its services and a closer. */
export const open = async <A>(layer: Layer.Layer<A, unknown>) => {
  const logs: Array<string> = []
  const capture = Logger.layer([
    Logger.make(({ message }) => {
      logs.push((Array.isArray(message) ? message : [message]).join(" "))
    }),
  ])
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(
    Layer.buildWithScope(
      layer.pipe(Layer.provide(capture), Layer.provide(Layer.succeed(References.MinimumLogLevel, "Debug"))),
      scope,
    ),
  )
  return { context, logs, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
