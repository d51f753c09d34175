/**
 * @module The Hono app: every route group, validation, limits, auth and JSON errors.
 *
 * `makeApp` takes plain dependencies (see `deps.ts`) so it can be driven by `app.request(...)`
 * in tests and served by `Bun.serve` in `http-server.ts`. No client input can produce a 500: bad
 * input is a 400 from zod, unknown paths a JSON 404, oversize bodies a 413; only real defects
 * reach `onError` as 500, and those are logged.
 */
import type { Redacted } from "effect"
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { cors } from "hono/cors"
import { HTTPException } from "hono/http-exception"
import { routePath } from "hono/route"
import { timeout } from "hono/timeout"
import { bearerGuard } from "./auth.ts"
import type { HttpDeps } from "./deps.ts"
import { type ErrorBody, type ErrorCode, HttpInputError, HttpNotFoundError, HttpUnavailableError } from "./errors.ts"
import { confluenceRoutes } from "./routes/confluence.ts"
import { dashboardRoutes } from "./routes/dashboard.ts"
import { dlqRoutes } from "./routes/dlq.ts"
import { healthRoutes } from "./routes/health.ts"
import { pageRoutes } from "./routes/pages.ts"
import { queryRoutes } from "./routes/queries.ts"
import { type StreamOptions, streamRoutes } from "./routes/stream.ts"
import { symbolDataRoutes } from "./routes/symbol-data.ts"

export interface AppOptions {
  /** Guards mutating routes and `/v1/dlq`; absent = open (only allowed on loopback). */
  readonly token?: Redacted.Redacted<string> | undefined
  /** Allowed CORS origins; empty = no CORS headers at all. */
  readonly cors?: ReadonlyArray<string> | undefined
  /** @default 1 MiB */
  readonly bodyLimitBytes?: number | undefined
  readonly stream?: Partial<StreamOptions> | undefined
  /** A dependency slower than this answers 503 instead of holding the connection. @default 10 s */
  readonly requestTimeoutMs?: number | undefined
}

const ADMIN_PREFIXES = ["/v1/dlq"]

const CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  503: "unavailable",
}

/** Builds the app. The returned value is a plain `Hono`; `app.fetch` is what a server calls. */
export const makeApp = (deps: HttpDeps, options: AppOptions = {}): Hono => {
  const app = new Hono()

  app.use("*", async function observe(c, next) {
    const start = performance.now()
    if (deps.traceRequest === undefined) await next()
    else {
      await deps.traceRequest(c.req.method, c.req.path, async () => {
        await next()
        return { route: routePath(c, -1), status: c.res.status }
      })
    }
    c.header("X-Content-Type-Options", "nosniff")
    c.header("Referrer-Policy", "no-referrer")
    c.header("X-Frame-Options", "DENY")
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store")
    const route = routePath(c, -1)
    deps.metrics?.observeRequest?.(
      route === "/*" || route === "*" ? "unmatched" : route,
      c.req.method,
      c.res.status,
      (performance.now() - start) / 1000,
    )
  })
  if (options.cors !== undefined && options.cors.length > 0) {
    app.use(
      "*",
      cors({
        origin: [...options.cors],
        allowHeaders: ["Authorization", "Content-Type"],
        allowMethods: ["GET", "POST"],
        maxAge: 600,
      }),
    )
  }
  app.use(
    "*",
    bodyLimit({
      maxSize: options.bodyLimitBytes ?? 1024 * 1024,
      onError: (c) =>
        c.json<ErrorBody>(
          { error: "payload_too_large", message: `request body over ${options.bodyLimitBytes ?? 1024 * 1024} bytes` },
          413,
        ),
    }),
  )
  app.use(
    "*",
    timeout(
      options.requestTimeoutMs ?? 10_000,
      () => new HTTPException(503, { message: "the request took too long; try again" }),
    ),
  )
  if (options.token !== undefined) app.use("*", bearerGuard({ token: options.token, adminPrefixes: ADMIN_PREFIXES }))

  app.route("/", dashboardRoutes())
  app.route("/", pageRoutes(deps))
  app.route("/", healthRoutes(deps))
  app.route("/", symbolDataRoutes(deps))
  app.route("/", confluenceRoutes(deps))
  app.route("/", queryRoutes(deps))
  app.route("/", dlqRoutes(deps))
  app.route("/", streamRoutes(deps, { maxStreams: 64, heartbeatMs: 15_000, queueLimit: 256, ...options.stream }))

  app.notFound((c) =>
    c.json<ErrorBody>({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path.slice(0, 200)}` }, 404),
  )

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status
      if (status >= 500) deps.log("error", "http exception", { status, error: error.message })
      return c.json<ErrorBody>(
        {
          error: CODES[status] ?? (status >= 500 ? "internal" : "bad_request"),
          message: error.message || "request failed",
        },
        status,
      )
    }
    if (error instanceof HttpInputError) {
      return c.json<ErrorBody>(
        {
          error: "bad_request",
          message: error.message,
          ...(error.details === undefined ? {} : { issues: error.details }),
        },
        400,
      )
    }
    if (error instanceof HttpNotFoundError)
      return c.json<ErrorBody>({ error: "not_found", message: error.message }, 404)
    // The client went away mid-body (truncated upload, closed socket): nobody reads this answer,
    // and it is the client's doing, not a defect.
    if (c.req.raw.signal.aborted) {
      deps.log("debug", "http request aborted by the client", { method: c.req.method, route: routePath(c, -1) })
      return c.json<ErrorBody>({ error: "bad_request", message: "request aborted" }, 400)
    }
    if (error instanceof HttpUnavailableError) {
      return c.json<ErrorBody>({ error: "unavailable", message: error.message }, 503, { "Retry-After": "5" })
    }
    deps.log("error", "http handler defect", {
      method: c.req.method,
      route: routePath(c, -1),
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
    return c.json<ErrorBody>({ error: "internal", message: "internal error" }, 500)
  })
  return app
}
