/**
 * @module Builds `HttpDeps` from the services it is given (`HttpSources`).
 *
 * Hono handlers are promise code; each dependency runs its Effect with
 * `Effect.runPromiseWith(context)` over the context captured when the HTTP layer was built,
 * so handlers share the app's services, logger and metric registry (the ManagedRuntime
 * pattern without a second runtime). Which services HTTP reads is chosen where the layer is
 * composed (`HttpServerLive.over`), so it is in the layer's type; a route whose service was
 * not given (no store, no analysis) answers "not enabled".
 */
import { type Context, Effect, Fiber, type Scope, Stream } from "effect"
import { type Analysis, fromSummary, type SymbolConfluence } from "../analysis/index.ts"
import type { AppConfig } from "../config/index.ts"
import type { EventBus, VirtuosoEvent } from "../events/index.ts"
import { type HealthRegistry, healthHttpStatus, readyHttpStatus } from "../health/index.ts"
import type { MarketData } from "../market/index.ts"
import { type Metrics, recordHttpRequest } from "../metrics/index.ts"
import type { PluginHost } from "../plugins/index.ts"
import { type EventStore, redeliver } from "../store/index.ts"
import { makeSnapshotCache } from "./confluence-snapshots.ts"
import { type HttpDeps, type LogLevel, type StreamMessage, type SymbolSnapshots, toJson } from "./deps.ts"
import { HttpInputError } from "./errors.ts"
import { makeStoredReader } from "./stored-events.ts"
import { TracingEnabled } from "../telemetry/index.ts"
import { symbolDeps } from "./symbol/bridge.ts"
import { ScoreHistory } from "./symbol/score-history.ts"

const LEVELS = {
  debug: Effect.logDebug,
  info: Effect.logInfo,
  warn: Effect.logWarning,
  error: Effect.logError,
} as const satisfies Record<LogLevel, unknown>

/**
 * What the bus delivers to `/v1/stream`, shaped for clients. A confluence event is the compact
 * roll-up; `latest` is the symbol's full result in Analysis's memory, used when it is that same update.
 */
const streamMessagesOf = (
  event: VirtuosoEvent,
  latest: SymbolConfluence | undefined,
  snapshots: (confluence: SymbolConfluence) => SymbolSnapshots,
): ReadonlyArray<StreamMessage> => {
  switch (event.type) {
    case "analysis.confluence": {
      const summary = event.payload
      const current = latest !== undefined && latest.time === summary.time
      return snapshots(current ? latest : fromSummary(summary)).items.map((data) => ({ event: "confluence", data }))
    }
    case "signal.emitted":
      return [{ event: "signal", data: toJson({ id: event.id, time: event.time, ...event.payload }) }]
    case "health.changed":
      return [{ event: "health", data: toJson({ time: event.time, ...event.payload }) }]
    default:
      return []
  }
}

/** The services HTTP can read, under the names `HttpDeps` groups their routes by. */
export interface HttpSources {
  readonly metrics: Metrics["Service"]
  readonly analysis: Analysis["Service"]
  readonly health: HealthRegistry["Service"]
  readonly plugins: PluginHost["Service"]
  readonly bus: EventBus["Service"]
  readonly market: MarketData["Service"]
  readonly store: EventStore["Service"]
  readonly config: AppConfig["Service"]
}

/**
 * The deps over the given services. The scope owns the one fan-out fiber that feeds every SSE
 * client from the bus.
 */
export const depsFrom = (sources: Partial<HttpSources>): Effect.Effect<HttpDeps, never, Scope.Scope> =>
  Effect.gen(function* () {
    const context = (yield* Effect.context<never>()) as Context.Context<never>
    const run = Effect.runPromiseWith(context)
    const runSync = Effect.runSyncWith(context)

    const log: HttpDeps["log"] = (level, message, annotations) => {
      runSync(LEVELS[level](message).pipe(Effect.annotateLogs({ ...annotations })))
    }

    const { metrics, analysis, health, plugins, bus, market, store, config } = sources
    const snapshots = makeSnapshotCache()
    const tracing = yield* TracingEnabled
    // Fed below from the same confluence messages as `/v1/stream`; read by the symbol page.
    const history = new ScoreHistory({
      depth: Object.fromEntries(Object.entries(config?.timeframes ?? {}).map(([tf, t]) => [tf, t.candles])),
    })
    const storeQuery = makeStoredReader({ store, bus, run })

    let stream: HttpDeps["stream"]
    let dlq: HttpDeps["dlq"]
    if (bus !== undefined) {
      const listeners = new Set<(message: StreamMessage) => void>()
      const deliver = (event: VirtuosoEvent) =>
        Effect.gen(function* () {
          const detail =
            event.type === "analysis.confluence" && analysis !== undefined
              ? yield* analysis.latestFor(event.payload.symbol)
              : undefined
          // The symbol page's score lines are kept whether or not anyone is streaming.
          if (event.type === "analysis.confluence") history.recordSymbol(detail ?? fromSummary(event.payload))
          if (listeners.size === 0) return
          for (const message of streamMessagesOf(event, detail, snapshots))
            for (const listener of listeners) listener(message)
        })
      const fiber = yield* Stream.mergeAll(
        [bus.stream("analysis.confluence"), bus.stream("signal.emitted"), bus.stream("health.changed")],
        { concurrency: "unbounded" },
      ).pipe(Stream.runForEach(deliver), Effect.forkScoped)
      yield* Effect.addFinalizer(() => Fiber.interrupt(fiber))
      stream = {
        subscribe: (onMessage) => {
          listeners.add(onMessage)
          return () => {
            listeners.delete(onMessage)
          }
        },
      }
      dlq = {
        // Dead letters are few (bounded) and ordered by `seq`, so the cursor is the last seq seen.
        list: async ({ limit, cursor }) => {
          if (cursor !== undefined && !/^\d{1,15}$/.test(cursor))
            throw new HttpInputError("malformed dead-letter cursor")
          const after = cursor === undefined ? 0 : Number(cursor)
          const all = (await run(bus.deadLetters.list())).filter((entry) => entry.seq > after)
          const items = all.slice(0, limit)
          return {
            items: items.map((entry) => toJson({ id: String(entry.seq), ...entry })),
            nextCursor: all.length > limit ? String(items.at(-1)!.seq) : null,
          }
        },
        replay: async (ids) => {
          const seqs = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number)
          const present = new Set((await run(bus.deadLetters.list({ seqs }))).map((entry) => String(entry.seq)))
          const outcome = await run(redeliver(bus, [...present].map(Number)))
          const kept = new Map(outcome.kept.map((k) => [String(k.seq), k.reason]))
          return {
            replayed: ids.filter((id) => present.has(id) && !kept.has(id)),
            missing: ids.filter((id) => !present.has(id)),
            kept: ids.filter((id) => kept.has(id)).map((id) => ({ id, reason: kept.get(id)! })),
          }
        },
        discard: async (ids) => {
          const seqs = ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number)
          const present = new Set((await run(bus.deadLetters.list({ seqs }))).map((entry) => String(entry.seq)))
          await run(bus.deadLetters.remove({ seqs: [...present].map(Number) }))
          return { discarded: ids.filter((id) => present.has(id)), missing: ids.filter((id) => !present.has(id)) }
        },
      }
    }

    const traceRequest: HttpDeps["traceRequest"] = (method, path, handle) =>
      run(
        Effect.promise(handle).pipe(
          Effect.flatMap(({ route, status }) =>
            Effect.annotateCurrentSpan({ "http.route": route, "http.response.status_code": status }),
          ),
          Effect.withSpan(`http ${method}`, {
            kind: "server",
            attributes: { "http.request.method": method, "url.path": path.slice(0, 200) },
          }),
        ),
      )

    return {
      log,
      ...(tracing ? { traceRequest } : {}),
      ...symbolDeps({
        run,
        market,
        analysis,
        history,
        recorded:
          store === undefined
            ? undefined
            : async (symbol) => {
                const page = await storeQuery({ type: "analysis.confluence", symbol, limit: 1000, order: "desc" })
                // The newest page, handed over oldest first so a later re-score of a time wins.
                return page.events
                  .flatMap((event) => (event.type === "analysis.confluence" ? [event.payload] : []))
                  .reverse()
              },
        thresholds: { longAt: config?.signals.longAt ?? 70, shortAt: config?.signals.shortAt ?? 35 },
      }),
      ...(metrics === undefined
        ? {}
        : {
            metrics: {
              render: () => run(metrics.render),
              observeRequest: (route, method, status, seconds) =>
                runSync(recordHttpRequest(route, method, status, seconds)),
            },
          }),
      ...(analysis === undefined
        ? {}
        : {
            confluence: {
              list: async () => (await run(analysis.latest)).flatMap((c) => snapshots(c).items),
              forSymbol: async (symbol) => {
                const latest = await run(analysis.latestFor(symbol))
                return latest === undefined ? undefined : snapshots(latest)
              },
              ...(market === undefined ? {} : { symbols: () => run(market.symbols) }),
            },
          }),
      ...(health === undefined
        ? {}
        : {
            health: {
              report: async () => {
                const report = await run(health.report)
                return { status: healthHttpStatus(report), body: toJson(report) }
              },
              live: async () => ({ status: 200, body: toJson(await run(health.live)) }),
              ready: async () => {
                const report = await run(health.ready)
                return { status: readyHttpStatus(report), body: toJson(report) }
              },
            },
          }),
      ...(store === undefined
        ? {}
        : {
            events: {
              query: async (q) => {
                const page = await storeQuery(q)
                return { items: page.events.map(toJson), nextCursor: page.nextCursor ?? null }
              },
            },
            // Signals are durable `signal.emitted` events, so their history and cursor come from the store.
            // timeframe/kind filter within each page: a page may hold fewer than `limit`, the cursor stays exact.
            signals: {
              query: async (q) => {
                const page = await storeQuery({
                  type: "signal.emitted",
                  symbol: q.symbol,
                  from: q.from,
                  to: q.to,
                  limit: q.limit,
                  cursor: q.cursor,
                  order: q.order ?? "desc",
                })
                const items = page.events.flatMap((event) => {
                  if (event.type !== "signal.emitted") return []
                  const signal = { id: event.id, time: event.time, ...event.payload }
                  // A signal names its side twice (`type`, `direction`); the catalogue requires `direction` only.
                  const kind = ("type" in signal ? signal.type : undefined) ?? signal.direction
                  if (q.timeframe !== undefined && signal.timeframe !== q.timeframe) return []
                  if (q.kind !== undefined && kind !== q.kind) return []
                  return [toJson(signal)]
                })
                return { items, nextCursor: page.nextCursor ?? null }
              },
            },
          }),
      ...(plugins === undefined ? {} : { plugins: { list: async () => (await run(plugins.list)).map(toJson) } }),
      ...(stream === undefined ? {} : { stream }),
      ...(dlq === undefined ? {} : { dlq }),
    } satisfies HttpDeps
  })
