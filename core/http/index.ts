/** @module HTTP: the Hono app over plain deps, its Bun server layer and the bridge to services. */
export { makeApp } from "./app.ts"
export { depsFrom, type HttpSources } from "./bridge.ts"

export type * from "./deps.ts"

export { HttpServer } from "./http-server.ts"
export { HttpServerLive } from "./http-server-live.ts"
