/**
 * @module `HttpServer`: the Hono app served by `Bun.serve`, acquired and released with the layer.
 *
 * Binds 127.0.0.1 by default. Binding anything beyond loopback without a bearer token is
 * refused at start: the admin routes (DLQ replay) would otherwise be open to the network.
 */
import { Context, Effect, Layer, Redacted, Schema, type Scope } from "effect"
import { type AppOptions, makeApp } from "./app.ts"
import type { HttpDeps } from "./deps.ts"

export interface HttpServerOptions extends AppOptions {
  /** @default "127.0.0.1" */
  readonly host?: string | undefined
  /** 0 picks a free port. @default 8080 */
  readonly port?: number | undefined
  /** Seconds a connection may sit idle (streams opt out). @default 30 */
  readonly idleTimeoutSeconds?: number | undefined
}

export class HttpServerStartError extends Schema.TaggedError<HttpServerStartError>()("HttpServerStartError", {
  host: Schema.String,
  port: Schema.Number,
  message: Schema.String,
}) {}

/** Loopback addresses only: `localhost`, 127.0.0.0/8, `::1`. `0.0.0.0` and `::` are every interface. */
export const isLoopback = (host: string): boolean => {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::ffff:127.0.0.1"
}

export interface HttpServerInfo {
  /** e.g. `http://127.0.0.1:8080/` */
  readonly url: string
  readonly hostname: string
  readonly port: number
}

/** Starts serving `deps`; the server stops when the scope closes. */
export const serve = Effect.fnUntraced(function* (
  options: HttpServerOptions,
  deps: HttpDeps,
): Effect.fn.Return<HttpServerInfo, HttpServerStartError, Scope.Scope> {
  const host = options.host ?? "127.0.0.1"
  const port = options.port ?? 8080
  const token = options.token
  if (!isLoopback(host) && (token === undefined || Redacted.value(token).length === 0)) {
    return yield* new HttpServerStartError({
      host,
      port,
      message:
        `http.host is ${host}, beyond loopback: set http.token (VIRTUOSO_HTTP_TOKEN) so admin routes are not ` +
        `open to the network, or bind 127.0.0.1`,
    })
  }
  const app = makeApp(deps, options)
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024
  const server = yield* Effect.acquireRelease(
    Effect.try({
      try: () =>
        Bun.serve({
          hostname: host,
          port,
          development: false,
          // Hono enforces the real limit with a JSON 413; this stops Bun buffering far beyond it.
          maxRequestBodySize: bodyLimit * 2,
          idleTimeout: options.idleTimeoutSeconds ?? 30,
          fetch: (request, bunServer) => app.fetch(request, bunServer),
          error: (error) => {
            deps.log("error", "http server defect", { error: error.stack ?? error.message })
            return Response.json({ error: "internal", message: "internal error" }, { status: 500 })
          },
        }),
      catch: (cause) =>
        new HttpServerStartError({
          host,
          port,
          message: `cannot listen on ${host}:${port}: ${cause instanceof Error ? cause.message : String(cause)}`,
        }),
    }),
    (server) =>
      Effect.promise(() => server.stop(true)).pipe(Effect.andThen(Effect.logDebug("finalizer: http server closed"))),
  )
  const info: HttpServerInfo = { url: server.url.href, hostname: server.hostname ?? host, port: server.port ?? port }
  yield* Effect.logInfo(`http listening on ${info.url}`).pipe(
    Effect.annotateLogs({ auth: token === undefined ? "none" : "bearer" }),
  )
  return info
})

export class HttpServer extends Context.Service<HttpServer, HttpServerInfo>()("virtuoso/http/HttpServer") {
  /** Serves given deps with given options (tests, embedding). */
  static readonly layerWith = (options: HttpServerOptions, deps: HttpDeps) =>
    Layer.effect(HttpServer, serve(options, deps))
}
