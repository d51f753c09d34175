/**
 * @module `HttpServerLive`: the `HttpServer` of the running app — `http.*` from `AppConfig`,
 * deps bridged from the services the composition hands it. `over` takes them as an Effect, so
 * the layer requires exactly those services; `sources` are the pieces an engine combines.
 */
import { Effect, Layer } from "effect"
import { Analysis } from "../analysis/index.ts"
import { AppConfig } from "../config/index.ts"
import { EventBus } from "../events/index.ts"
import { HealthRegistry } from "../health/index.ts"
import { MarketData } from "../market/index.ts"
import { Metrics } from "../metrics/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { EventStore } from "../store/index.ts"
import { depsFrom, type HttpSources } from "./bridge.ts"
import { HttpServer, serve } from "./http-server.ts"

/** The server over the services `sources` reads; routes of services not among them answer "not enabled". */
const over = <R>(sources: Effect.Effect<Partial<HttpSources>, never, R>) =>
  Layer.effect(
    HttpServer,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const deps = yield* depsFrom(yield* sources)
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

/** The sources a composition combines (`HttpServerLive.sources`) for `over`. */
const sources = {
  /** What every engine has: metrics, health, plugins, the bus, market data and the config. */
  engine: Effect.all({
    metrics: Metrics,
    health: HealthRegistry,
    plugins: PluginHost,
    bus: EventBus,
    market: MarketData,
    config: AppConfig,
  }),
  /** Scores, contributors and candles. */
  analysis: Effect.map(Analysis, (analysis) => ({ analysis })),
  /** Events, signal history and recorded scores. */
  store: Effect.map(EventStore, (store) => ({ store })),
  none: Effect.succeed({}),
}

/** Merges sources into one. */
const combine = <A extends Partial<HttpSources>, B extends Partial<HttpSources>, RA, RB>(
  a: Effect.Effect<A, never, RA>,
  b: Effect.Effect<B, never, RB>,
): Effect.Effect<A & B, never, RA | RB> => Effect.map(Effect.all([a, b]), ([x, y]) => ({ ...x, ...y }))

export const HttpServerLive = { over, sources, combine } as const
