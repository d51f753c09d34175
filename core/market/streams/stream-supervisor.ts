/**
 * @module StreamSupervisor: owns every live market stream, one fiber each (see `supervise.ts`
 * for the per-stream policy), keyed `symbol|kind[|timeframe]`.
 *
 * `start` is idempotent per key (a second start replaces the first); `stopSymbol` interrupts all
 * of a symbol's streams and unsubscribes them (`unWatch`), which is what TopSymbols churn calls.
 * Statuses are kept only for running streams, and the event feed is a sliding PubSub, so memory
 * stays bounded however long the process runs.
 */
import { Clock, Context, Effect, FiberMap, Layer, PubSub, type Scope } from "effect"
import type { Collector } from "../../metrics/index.ts"
import { retrySchedule } from "../../resilience/index.ts"
import { classifyExchangeError } from "./classify.ts"
import { streamSamples } from "./metrics.ts"
import {
  streamKey,
  type StreamEvent,
  type StreamMode,
  type StreamSpec,
  type StreamStatus,
  type SupervisorOptions,
} from "./schema.ts"
import { makeCoverReport } from "./cover-report.ts"
import { superviseStream, type MutableStatus } from "./supervise.ts"

export const DEFAULT_SUPERVISOR_OPTIONS: SupervisorOptions = {
  // Binance pushes kline/depth updates every 1-2 s on a live market; trades can be quiet for minutes.
  // A market can go hours without a liquidation: silence there is no sign of a dead socket (a
  // dropped one rejects the watch at once), so only a day of it counts as stale.
  staleAfterMs: { ohlcv: 60_000, orderbook: 30_000, trades: 180_000, liquidations: 86_400_000 },
  reconnect: retrySchedule({ maxAttempts: 9, baseMs: 500, capMs: 30_000, maxElapsedMs: 300_000 }),
  // REST cover cadence; candle specs also wait for the next close of their timeframe (`nextDataAt`).
  pollEveryMs: { ohlcv: 5_000, orderbook: 5_000, trades: 5_000, liquidations: 60_000 },
  retryStreamAfterMs: 60_000,
  classify: (error, operation) => classifyExchangeError(error, operation),
}

export interface StreamsSummary {
  readonly total: number
  readonly byMode: Readonly<Record<StreamMode, number>>
  /** Age of the stalest stream (since its last update, or since start); 0 with no streams. */
  readonly oldestAgeMs: number
  /** Streams whose websocket is not live (REST covers them): starting, backoff or polling. */
  readonly covered: number
  /** Why, for the stream that failed most recently among them (`Reason: message`). */
  readonly coverReason?: string
}

interface Entry {
  readonly spec: StreamSpec<any>
  readonly status: MutableStatus
}

const snapshotOf = (s: MutableStatus): StreamStatus => ({ ...s, errors: { ...s.errors } })

export class StreamSupervisor extends Context.Service<
  StreamSupervisor,
  {
    /** Start (or restart) supervising a stream. */
    readonly start: <A>(spec: StreamSpec<A>) => Effect.Effect<void>
    /** Stop one stream and unsubscribe it. */
    readonly stop: (key: string) => Effect.Effect<void>
    /** Stop every stream of `symbol` and unsubscribe them (a symbol left the tracked set). */
    readonly stopSymbol: (symbol: string) => Effect.Effect<void>
    readonly status: (key: string) => Effect.Effect<StreamStatus | undefined>
    readonly statuses: Effect.Effect<ReadonlyArray<StreamStatus>>
    /** Transitions of every stream (data, stale, failed, backoff, fallback, resumed, stopped). */
    readonly subscribe: Effect.Effect<PubSub.Subscription<StreamEvent>, never, Scope.Scope>
    /** Scrape-time samples: per-stream age and reconnects, for `Metrics.registerCollector`. */
    readonly samples: Collector
    /** For health checks: streams per mode and the oldest stream age. */
    readonly summary: Effect.Effect<StreamsSummary>
  }
>()("virtuoso/market/streams/StreamSupervisor") {
  static readonly layerWith = (overrides: Partial<SupervisorOptions> = {}) =>
    Layer.effect(StreamSupervisor, makeStreamSupervisor({ ...DEFAULT_SUPERVISOR_OPTIONS, ...overrides }))
  static readonly layer = StreamSupervisor.layerWith()
}

// A function declaration (hoisted): the class's static `layer` calls it during class evaluation.
export function makeStreamSupervisor(options: SupervisorOptions) {
  return Effect.gen(function* () {
    const fibers = yield* FiberMap.make<string>()
    const events = yield* PubSub.sliding<StreamEvent>(1024)
    yield* Effect.addFinalizer(() => PubSub.shutdown(events))
    const entries = new Map<string, Entry>()
    const cover = makeCoverReport()
    const emit = (event: StreamEvent) =>
      Effect.andThen(cover.observe(event, entries.size), PubSub.publish(events, event)).pipe(Effect.asVoid)

    const start = <A>(spec: StreamSpec<A>) =>
      Effect.gen(function* () {
        const key = streamKey(spec)
        const now = yield* Clock.currentTimeMillis
        const status: MutableStatus = {
          key,
          symbol: spec.symbol,
          kind: spec.kind,
          timeframe: spec.timeframe,
          mode: "starting",
          lastMessageAt: undefined,
          messages: 0,
          polls: 0,
          reconnects: 0,
          staleEvents: 0,
          errors: {},
          failures: 0,
          startedAt: now,
        }
        entries.set(key, { spec, status })
        yield* FiberMap.run(
          fibers,
          key,
          superviseStream(spec, status, options, emit, othersAlive(key)).pipe(
            Effect.annotateLogs({ stream: key }),
            Effect.catchCause((cause) => Effect.logError(`stream ${key} supervisor died`, cause)),
          ),
        )
      })

    /** Some other stream had a websocket message within its own staleness window. */
    const othersAlive = (key: string) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        for (const { status } of entries.values()) {
          if (status.key === key || status.mode !== "streaming" || status.lastMessageAt === undefined) continue
          if (now - status.lastMessageAt < options.staleAfterMs[status.kind]) return true
        }
        return false
      })

    const stopEntries = (keys: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const stopped: Array<Entry> = []
        for (const key of keys) {
          const entry = entries.get(key)
          if (!entry) continue
          yield* FiberMap.remove(fibers, key)
          entry.status.mode = "stopped"
          entries.delete(key)
          stopped.push(entry)
        }
        // One unWatch per distinct function: adapter-level unWatch(symbol) covers all its streams.
        const seen = new Set<() => Promise<void>>()
        for (const { spec, status } of stopped) {
          if (spec.unWatch && !seen.has(spec.unWatch)) {
            seen.add(spec.unWatch)
            yield* Effect.tryPromise({ try: spec.unWatch, catch: (e) => options.classify(e, "unWatch") }).pipe(
              Effect.catch((e) => Effect.logWarning(`stream ${status.key}: unWatch failed: ${e.message}`)),
            )
          }
          yield* emit({ _tag: "Stopped", key: status.key })
        }
      })

    return StreamSupervisor.of({
      start,
      stop: (key) => stopEntries([key]),
      stopSymbol: (symbol) =>
        Effect.suspend(() =>
          stopEntries([...entries.values()].filter((e) => e.spec.symbol === symbol).map((e) => e.status.key)),
        ),
      status: (key) =>
        Effect.sync(() => {
          const entry = entries.get(key)
          return entry ? snapshotOf(entry.status) : undefined
        }),
      statuses: Effect.sync(() => [...entries.values()].map((e) => snapshotOf(e.status))),
      subscribe: PubSub.subscribe(events),
      samples: Effect.map(Clock.currentTimeMillis, (now) =>
        streamSamples(
          [...entries.values()].map((e) => e.status),
          now,
        ),
      ),
      summary: Effect.map(Clock.currentTimeMillis, (now) => {
        const byMode: Record<StreamMode, number> = { starting: 0, streaming: 0, backoff: 0, polling: 0, stopped: 0 }
        let oldestAgeMs = 0
        let coverReason: string | undefined
        for (const { status } of entries.values()) {
          byMode[status.mode]++
          oldestAgeMs = Math.max(oldestAgeMs, now - (status.lastMessageAt ?? status.startedAt))
          if (status.mode !== "streaming" && status.lastError !== undefined) coverReason = status.lastError
        }
        const covered = byMode.starting + byMode.backoff + byMode.polling
        return {
          total: entries.size,
          byMode,
          oldestAgeMs,
          covered,
          ...(coverReason === undefined ? {} : { coverReason }),
        }
      }),
    })
  })
}
