/**
 * @module `HttpServerLive`: the `HttpServer` of the running app — `http.*` from `AppConfig`,
 * deps bridged from whichever services are in the context (Metrics, Analysis, MarketData,
 * HealthRegistry, EventBus, PluginHost). Provide it after those layers so it sees them; absent
 * ones answer "not enabled".
 */
import { Effect, Layer } from "effect"
import { AppConfig } from "../config/index.ts"
import { depsFromContext } from "./bridge.ts"
import { HttpServer, serve } from "./http-server.ts"

export const HttpServerLive = Layer.effect(
  HttpServer,
  Effect.gen(function* () {
    const config = yield* AppConfig
    const deps = yield* depsFromContext
    return yield* serve(
      {
        host: config.http.host,
        port: config.http.port,
        token: config.http.token,
        cors: config.http.cors,
        bodyLimitBytes: config.http.bodyLimitBytes,
      },
      deps,
    )
  }),
)
