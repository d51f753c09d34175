/**
 * @module Real checks for the engine's services, and `HealthChecksLive`: one layer that
 * registers them (for whichever services are present) and sets the readiness flags —
 * "markets" once MarketData has its symbols, "first-data" once every series is backfilled.
 *
 * The checks take the fields they read (structural types), so they are tested as plain
 * functions over stats values.
 */
import { Effect, Layer, Option } from "effect"
import { EventBus } from "../events/index.ts"
import { MarketData } from "../market/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { CircuitBreakers } from "../resilience/index.ts"
import { circuitBreakersCheck } from "./checks.ts"
import { HealthRegistry } from "./health-registry.ts"
import { makeMemoryWatchdog, type MemoryWatchdogOptions } from "./memory-watchdog.ts"
import { type CheckResult, degraded, healthy, unhealthy } from "./schema.ts"

export interface MarketStatsView {
  readonly exchange: string
  readonly polls: number
  readonly errors: number
  readonly lastPollAgeMs: number
  readonly lastErrorAgeMs: number
  readonly lastError?: string
}

export interface MarketCheckOptions {
  /** No successful poll for this long → unhealthy. @default 60_000 */
  readonly maxPollAgeMs?: number
  /** An exchange error this recent → degraded. @default 30_000 */
  readonly recentErrorMs?: number
}

export const marketDataCheckResult = (s: MarketStatsView, options: MarketCheckOptions = {}): CheckResult => {
  const maxPollAge = options.maxPollAgeMs ?? 60_000
  const recentError = options.recentErrorMs ?? 30_000
  const details = { exchange: s.exchange, polls: s.polls, errors: s.errors, lastPollAgeMs: s.lastPollAgeMs, lastErrorAgeMs: s.lastErrorAgeMs }
  if (!Number.isFinite(s.lastPollAgeMs)) return degraded(`no completed poll of ${s.exchange} yet`, details)
  if (s.lastPollAgeMs > maxPollAge) return unhealthy(`no successful poll of ${s.exchange} for ${s.lastPollAgeMs} ms`, details)
  if (s.lastErrorAgeMs <= recentError) {
    return degraded(`${s.exchange} error ${s.lastErrorAgeMs} ms ago${s.lastError === undefined ? "" : `: ${s.lastError}`}`, details)
  }
  return healthy(details)
}

export interface BusStatsView {
  readonly lanes: Readonly<Record<string, { readonly depth: number; readonly dropped: number }>>
  readonly deadLetters: number
  readonly draining: boolean
  readonly subscribers: ReadonlyArray<{ readonly name: string; readonly circuit: string }>
}

/** Bus check with memory: drops and dead letters count since the previous check. */
export const makeEventBusCheck = () => {
  let lastDropped = 0
  let lastDead = 0
  return (s: BusStatsView): CheckResult => {
    const dropped = Object.values(s.lanes).reduce((n, l) => n + l.dropped, 0)
    const newDrops = dropped - lastDropped
    const newDead = s.deadLetters - lastDead
    lastDropped = dropped
    lastDead = s.deadLetters
    const details = { dropped, deadLetters: s.deadLetters, lanes: s.lanes }
    if (s.draining) return degraded("event bus is draining (shutting down)", details)
    const reasons: Array<string> = []
    if (newDrops > 0) reasons.push(`${newDrops} events dropped since the last check`)
    if (newDead > 0) reasons.push(`${newDead} new dead letters`)
    const open = s.subscribers.filter((sub) => sub.circuit !== "closed").map((sub) => `${sub.name} ${sub.circuit}`)
    if (open.length > 0) reasons.push(`handler circuits: ${open.join(", ")}`)
    return reasons.length === 0 ? healthy(details) : degraded(reasons.join("; "), details)
  }
}

export const pluginsCheckResult = (h: { readonly status: "ok" | "degraded"; readonly reasons: ReadonlyArray<string> }): CheckResult =>
  h.status === "ok" ? healthy() : degraded(h.reasons.join("; ") || "plugins degraded", { reasons: h.reasons })

export interface HealthChecksOptions {
  readonly market?: MarketCheckOptions
  /** false to leave the memory watchdog out. */
  readonly memory?: MemoryWatchdogOptions | false
}

/**
 * Registers "market-data", "event-bus", "plugins", "circuits" and "memory" for the services
 * present, samples memory in the background and sets the readiness flags.
 */
export const healthChecksLayer = (options: HealthChecksOptions = {}) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const health = yield* HealthRegistry
    const market = yield* Effect.serviceOption(MarketData)
    const bus = yield* Effect.serviceOption(EventBus)
    const plugins = yield* Effect.serviceOption(PluginHost)
    const breakers = yield* Effect.serviceOption(CircuitBreakers)
    if (Option.isSome(market)) {
      const md = market.value
      yield* health.register("market-data", Effect.map(md.stats, (s) => marketDataCheckResult(s, options.market)))
      yield* health.setReady("markets", true)
      yield* Effect.forkScoped(Effect.andThen(md.awaitReady, health.setReady("first-data", true)))
    }
    if (Option.isSome(bus)) {
      const check = makeEventBusCheck()
      yield* health.register("event-bus", Effect.map(bus.value.stats, check))
    }
    if (Option.isSome(plugins)) {
      yield* health.register("plugins", Effect.map(plugins.value.health, pluginsCheckResult), { critical: false })
    }
    if (Option.isSome(breakers)) {
      yield* health.register("circuits", circuitBreakersCheck(breakers.value.snapshot))
    }
    if (options.memory !== false) {
      const watchdog = makeMemoryWatchdog(options.memory ?? {})
      yield* health.register("memory", watchdog.check, { critical: false })
      yield* Effect.forkScoped(watchdog.run)
    }
  }))

/** The standard checks with defaults: add beside `HealthRegistry.layer` in the app. */
export const HealthChecksLive = healthChecksLayer()
