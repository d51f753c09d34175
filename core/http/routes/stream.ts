/**
 * @module `/v1/stream`: server-sent events of confluence updates, signals and health changes.
 *
 * Each client gets a bounded queue: a client that reads slower than updates arrive loses the
 * oldest updates (counted in the next `dropped` event) instead of growing memory. Streams are
 * capped in number, and a heartbeat comment keeps proxies and idle timers from closing them.
 */
import { Hono } from "hono"
import { streamSSE } from "hono/streaming"
import { z } from "zod"
import type { ErrorBody } from "../errors.ts"
import type { HttpDeps, StreamMessage } from "../deps.ts"
import { symbolParam } from "../symbol.ts"
import { csv, validate } from "../validate.ts"
import { notEnabled } from "./respond.ts"

export interface StreamOptions {
  readonly maxStreams: number
  readonly heartbeatMs: number
  readonly queueLimit: number
}

const StreamQuery = z
  .object({
    events: csv(z.enum(["confluence", "signal", "health"]), 3).optional(),
    symbols: csv(symbolParam, 100).optional(),
  })
  .strict()

/** Bun hands its server to `fetch` as the env; its per-request idle timer must not cut a stream. */
interface BunServerEnv {
  readonly timeout?: (request: Request, seconds: number) => void
}

const symbolOf = (message: StreamMessage): string | undefined => {
  const data = message.data as { readonly symbol?: unknown } | null
  return typeof data === "object" && data !== null && typeof data.symbol === "string" ? data.symbol : undefined
}

export const streamRoutes = (deps: HttpDeps, options: StreamOptions) => {
  const app = new Hono<{ Bindings: BunServerEnv | undefined }>()
  let open = 0

  app.get("/v1/stream", validate("query", StreamQuery), (c) => {
    const source = deps.stream
    if (source === undefined) return notEnabled(c, "the update stream")
    // HEAD gets the headers only: Hono drops a HEAD body, which would leave a subscription dangling.
    if (c.req.method === "HEAD") return c.body(null, 200, { "Content-Type": "text/event-stream" })
    if (open >= options.maxStreams) {
      return c.json<ErrorBody>(
        { error: "too_many_streams", message: `at most ${options.maxStreams} streams at once` },
        503,
        { "Retry-After": "5" },
      )
    }
    const query = c.req.valid("query")
    const events = query.events === undefined ? undefined : new Set<string>(query.events)
    const symbols = query.symbols === undefined ? undefined : new Set(query.symbols)
    c.env?.timeout?.(c.req.raw, 0)
    open += 1

    return streamSSE(
      c,
      async (stream) => {
        const queue: Array<StreamMessage> = []
        let dropped = 0
        let wake: (() => void) | undefined
        const unsubscribe = source.subscribe((message) => {
          if (events !== undefined && !events.has(message.event)) return
          if (symbols !== undefined) {
            const symbol = symbolOf(message)
            if (symbol !== undefined && !symbols.has(symbol)) return
          }
          if (queue.length >= options.queueLimit) {
            queue.shift()
            dropped += 1
          }
          queue.push(message)
          wake?.()
        })
        const stop = () => wake?.()
        stream.onAbort(stop)
        c.req.raw.signal.addEventListener(
          "abort",
          () => {
            stream.abort()
          },
          { once: true },
        )
        try {
          await stream.writeSSE({
            event: "ready",
            data: JSON.stringify({ heartbeatMs: options.heartbeatMs }),
            retry: 2000,
          })
          while (!stream.aborted) {
            if (queue.length === 0) {
              let timer: ReturnType<typeof setTimeout> | undefined
              await new Promise<void>((resolve) => {
                wake = resolve
                timer = setTimeout(resolve, options.heartbeatMs)
              })
              wake = undefined
              clearTimeout(timer)
              if (stream.aborted) break
              if (queue.length === 0) {
                await stream.write(": ping\n\n")
                continue
              }
            }
            if (dropped > 0) {
              await stream.writeSSE({ event: "dropped", data: JSON.stringify({ count: dropped }) })
              dropped = 0
            }
            for (const message of queue.splice(0)) {
              await stream.writeSSE({ event: message.event, data: JSON.stringify(message.data) })
            }
          }
        } finally {
          unsubscribe()
          open -= 1
        }
      },
      async (error) => {
        deps.log("warn", "update stream failed", { error: error.message })
      },
    )
  })
  return app
}
