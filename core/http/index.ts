/** @module HTTP: the Hono app over plain deps, its Bun server layer and the bridge to services. */
export { type AppOptions, makeApp } from "./app.ts"
export { depsFrom, type HttpSources } from "./bridge.ts"
export { snapshotsOf } from "./confluence-snapshots.ts"
export type * from "./deps.ts"
export { HttpInputError, HttpNotFoundError, HttpUnavailableError, type ErrorBody, type ErrorCode } from "./errors.ts"
export {
  HttpServer,
  type HttpServerInfo,
  type HttpServerOptions,
  HttpServerStartError,
  isLoopback,
} from "./http-server.ts"
export { HttpServerLive } from "./http-server-live.ts"
export { canonicalSymbol } from "./symbol.ts"
