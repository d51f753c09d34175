/**
 * Starts the whole engine in-process for a test: the same `appLayer` that `bun run start`
 * launches, built in its own scope; `close()` runs every finalizer.
 */
import { Context, Effect, Exit, Layer, Logger as LoggerModule, type Logger, Scope } from "effect"
import type { VirtuosoConfig } from "../../core/config/index.ts"
import { HttpServer } from "../../core/http/index.ts"
import { appLayer } from "../../core/main.ts"

export interface RunningApp {
  /** Every service the app built. */
  readonly context: Context.Context<never>
  /** A service of the app (typed by its key; throws if the app did not build it). */
  readonly get: <I, S>(key: Context.Key<I, S>) => S
  /** Base URL of the HTTP server (throws when `http.enabled` is false). */
  readonly url: () => string
  readonly scope: Scope.Closeable
  readonly close: () => Promise<void>
}

export const startApp = async (
  config: VirtuosoConfig,
  loggers: ReadonlyArray<Logger.Logger<unknown, unknown>> = [],
): Promise<RunningApp> => {
  const scope = Effect.runSync(Scope.make())
  // Feature flags decide which services exist, so the app's type cannot name them all.
  const context = (await Effect.runPromise(
    Layer.buildWithScope(appLayer(config, loggers), scope),
  )) as unknown as Context.Context<never>
  const get = <I, S>(key: Context.Key<I, S>): S => Context.get(context as unknown as Context.Context<I>, key)
  return {
    context,
    get,
    scope,
    url: () => get(HttpServer).url,
    close: () => Effect.runPromise(Scope.close(scope, Exit.void)),
  }
}

/** A logger that keeps every line's message (tests watch finalizers run). */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = LoggerModule.make(({ message }) => {
    lines.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  })
  return { lines, logger }
}
