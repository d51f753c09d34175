/**
 * @module The engine's own health checks, registered with the HealthRegistry for every service
 * that is running, plus the readiness flags ("markets": backfill done; "first-data": every
 * symbol scored) and the memory watchdog. Each check reads the service's real counters: a
 * check that cannot fail is not a check.
 */
import { Effect, Layer } from "effect"
import { Analysis } from "../analysis/index.ts"
import { EventBus } from "../events/index.ts"
import { MarketData } from "../market/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { CircuitBreakers } from "../resilience/index.ts"
import { EventStore } from "../store/index.ts"
import {
  type CheckResult,
  circuitBreakersCheck,
  degraded,
  HealthRegistry,
  healthy,
  memoryWatchdogLayer,
  unhealthy,
} from "../health/index.ts"

export interface EngineChecksOptions {
  /** How long without a successful exchange poll (or analysis cycle) before it counts as stale. */
  readonly staleAfterMs: number
  /** Exchange errors this recent degrade market health. @default 60 s */
  readonly recentErrorMs?: number
}

/** Counts that only matter when they grow: the change since the previous check (0 at first). */
const growth = () => {
  let previous: number | undefined
  return (value: number) => {
    const delta = previous === undefined ? 0 : value - previous
    previous = value
    return delta
  }
}

const marketCheck = (market: MarketData["Service"], { staleAfterMs, recentErrorMs = 60_000 }: EngineChecksOptions) =>
  Effect.map(market.stats, (stats): CheckResult => {
    const details = { ...stats }
    if (stats.unreachable !== undefined) return unhealthy(stats.unreachable, details)
    if (stats.lastPollAgeMs === Infinity && stats.lastError === undefined) {
      // Nothing has failed yet: the first backfill is still under way.
      return degraded(`waiting for the first data from ${stats.exchange}`, details)
    }
    if (stats.lastPollAgeMs === Infinity)
      return unhealthy(`no data from ${stats.exchange} yet: ${stats.lastError}`, details)
    if (stats.lastPollAgeMs > staleAfterMs) {
      return unhealthy(
        `no successful poll of ${stats.exchange} for ${Math.round(stats.lastPollAgeMs / 1000)} s`,
        details,
      )
    }
    // Data is current: REST covering streams whose websocket is down is degraded, not unhealthy.
    const onRest = stats.streams === undefined ? 0 : stats.streams.byMode.backoff + stats.streams.byMode.polling
    if (onRest > 0) {
      const why = stats.streams?.coverReason === undefined ? "" : ` (websocket: ${stats.streams.coverReason})`
      return degraded(`${onRest} of ${stats.streams!.total} ${stats.exchange} streams on REST polling${why}`, details)
    }
    if (stats.lastErrorAgeMs < recentErrorMs) {
      return degraded(
        `${stats.exchange} request failed ${Math.round(stats.lastErrorAgeMs / 1000)} s ago: ${stats.lastError}`,
        details,
      )
    }
    return healthy(details)
  })

const busCheck = (bus: EventBus["Service"]) => {
  const drops = growth()
  return Effect.map(bus.stats, (stats): CheckResult => {
    const dropped = Object.values(stats.lanes).reduce((sum, lane) => sum + lane.dropped, 0)
    const details = { lanes: stats.lanes, deadLetters: stats.deadLetters, publishedTotal: stats.publishedTotal }
    const newDrops = drops(dropped)
    if (stats.draining) return degraded("draining: not accepting new events", details)
    if (newDrops > 0) return degraded(`${newDrops} events dropped by backpressure since the last check`, details)
    const openHandlers = stats.subscribers.filter((s) => s.circuit !== "closed").map((s) => s.name)
    if (openHandlers.length > 0) return degraded(`handler circuits not closed: ${openHandlers.join(", ")}`, details)
    if (stats.deadLetters > 0) return degraded(`${stats.deadLetters} events in the dead-letter queue`, details)
    return healthy(details)
  })
}

const analysisCheck = (analysis: Analysis["Service"], { staleAfterMs }: EngineChecksOptions) =>
  Effect.map(
    analysis.stats,
    (stats): CheckResult =>
      stats.cycles > 0 && stats.lastCycleAgeMs > staleAfterMs
        ? degraded(`no analysis cycle for ${Math.round(stats.lastCycleAgeMs / 1000)} s`, { ...stats })
        : healthy({ ...stats }),
  )

/**
 * Checks of the services every engine runs (market, plugins, bus, breakers), the "markets"
 * readiness flag and the memory watchdog.
 */
export const EngineChecksLive = (options: EngineChecksOptions) =>
  Layer.mergeAll(
    memoryWatchdogLayer(),
    Layer.effectDiscard(
      Effect.gen(function* () {
        const health = yield* HealthRegistry
        const market = yield* MarketData
        const plugins = yield* PluginHost
        const bus = yield* EventBus
        const breakers = yield* CircuitBreakers

        yield* health.register("market", marketCheck(market, options))
        yield* market.awaitReady.pipe(Effect.andThen(health.setReady("markets", true)), Effect.forkScoped)
        // A broken plugin degrades the engine; it never takes it down.
        yield* health.register(
          "plugins",
          Effect.map(plugins.health, (h) =>
            h.status === "ok" ? healthy() : degraded(h.reasons.join("; "), { reasons: h.reasons }),
          ),
          { critical: false },
        )
        yield* health.register("bus", busCheck(bus))
        // Any open circuit degrades; every breaker of the exchange open means no market data.
        yield* health.register(
          "circuits",
          circuitBreakersCheck(breakers.snapshot, { criticalPrefix: `${market.exchangeId}:` }),
        )
      }),
    ),
  )

/** The analysis check and the "first-data" readiness flag (every symbol scored once). */
export const analysisChecksLayer = (options: EngineChecksOptions) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const health = yield* HealthRegistry
      const analysis = yield* Analysis
      yield* health.register("analysis", analysisCheck(analysis, options), { critical: false })
      yield* analysis.awaitScores.pipe(Effect.andThen(health.setReady("first-data", true)), Effect.forkScoped)
    }),
  )

/** The store's backlog: degraded while commits fall behind. */
export const StoreCheckLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const health = yield* HealthRegistry
    const store = yield* EventStore
    yield* health.register(
      "store",
      Effect.map(store.stats, (stats) =>
        stats.pending > 50_000
          ? degraded(`${stats.pending} events waiting to be committed`, { ...stats })
          : healthy({ ...stats }),
      ),
    )
  }),
)
