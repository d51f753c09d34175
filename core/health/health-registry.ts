/**
 * @module HealthRegistry: every service registers a real check (a check that always answers
 * "true" hides every outage); `report` runs them all (each under a time limit, a failing or hanging check
 * is itself unhealthy) and aggregates healthy / degraded / unhealthy with reasons per component.
 * `live` says the process is responsive; `ready` says the required readiness flags (default:
 * markets loaded, first data in) are set. Status transitions go to the `onChange` hook
 * (`core/wiring` publishes them on the bus as `health.changed`).
 *
 * @example
 * const health = yield* HealthRegistry
 * yield* health.register("exchange:binance", breakerCheck)
 * yield* health.setReady("markets", true)
 * const report = yield* health.report          // → c.json(report, healthHttpStatus(report))
 */
import { Cause, Clock, Context, Effect, Layer } from "effect"
import type {
  CheckResult,
  ComponentHealth,
  HealthChange,
  HealthReport,
  HealthStatus,
  LiveReport,
  ReadinessFlag,
  ReadyReport,
} from "./schema.ts"
import { worst } from "./schema.ts"

export interface RegisterOptions {
  /** An unhealthy non-critical component degrades the whole instead. @default true */
  readonly critical?: boolean
  /** The check itself is unhealthy when it takes longer. @default 5000 */
  readonly timeoutMs?: number
}

export interface HealthRegistryOptions {
  /** Readiness flags that must all be ready. @default ["markets", "first-data"] */
  readonly requiredReadiness?: ReadonlyArray<string>
  /** Every status transition of a component, of "overall" and of "ready". */
  readonly onChange?: (change: HealthChange) => Effect.Effect<void>
  /**
   * Run every check in the background this often, so transitions are emitted even when nobody
   * asks `/health`. 0 = only when `report` is called. @default 15_000
   */
  readonly pollIntervalMs?: number
}

interface Registered {
  readonly check: Effect.Effect<CheckResult>
  readonly critical: boolean
  readonly timeoutMs: number
}

export class HealthRegistry extends Context.Service<
  HealthRegistry,
  {
    /** Add (or replace) the check called `name`. */
    readonly register: (
      name: string,
      check: Effect.Effect<CheckResult>,
      options?: RegisterOptions,
    ) => Effect.Effect<void>
    readonly unregister: (name: string) => Effect.Effect<void>
    /** Run every check now and aggregate. */
    readonly report: Effect.Effect<HealthReport>
    /** Run one check (undefined when not registered). */
    readonly check: (name: string) => Effect.Effect<ComponentHealth | undefined>
    readonly live: Effect.Effect<LiveReport>
    readonly setReady: (flag: string, ready: boolean, reason?: string) => Effect.Effect<void>
    readonly ready: Effect.Effect<ReadyReport>
  }
>()("virtuoso/health/HealthRegistry") {
  static readonly layerWith = (options: HealthRegistryOptions = {}) =>
    Layer.effect(
      HealthRegistry,
      Effect.gen(function* () {
        const startedAt = yield* Clock.currentTimeMillis
        const checks = new Map<string, Registered>()
        const last = new Map<string, HealthStatus>()
        const flags = new Map<string, ReadinessFlag>()
        const required = options.requiredReadiness ?? ["markets", "first-data"]
        const onChange = options.onChange
        let lastReady: boolean | undefined

        const emit = (change: HealthChange): Effect.Effect<void> =>
          onChange === undefined
            ? Effect.void
            : // A failing listener must not turn a health report into a failure.
              onChange(change).pipe(
                Effect.catchCause((cause) => Effect.logWarning("health onChange listener failed", cause)),
              )

        const observe = (component: string, status: HealthStatus, reason: string | undefined, at: number) => {
          const previous = last.get(component)
          if (previous === status) return Effect.void
          last.set(component, status)
          return emit({ component, status, previous, reason, at })
        }

        const runCheck = (name: string, entry: Registered): Effect.Effect<ComponentHealth> =>
          Effect.gen(function* () {
            const started = yield* Clock.currentTimeMillis
            const result = yield* entry.check.pipe(
              Effect.timeoutOrElse({
                duration: entry.timeoutMs,
                orElse: () =>
                  Effect.succeed<CheckResult>({
                    status: "unhealthy",
                    reason: `check timed out after ${entry.timeoutMs} ms`,
                  }),
              }),
              Effect.catchCause((cause) =>
                Effect.succeed<CheckResult>({
                  status: "unhealthy",
                  reason: `check failed: ${Cause.pretty(cause).split("\n")[0]}`,
                }),
              ),
            )
            const now = yield* Clock.currentTimeMillis
            return { ...result, critical: entry.critical, checkedAt: now, durationMs: now - started }
          })

        const report = Effect.gen(function* () {
          const entries = [...checks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          const results = yield* Effect.forEach(entries, ([name, entry]) => runCheck(name, entry), {
            concurrency: "unbounded",
          })
          const at = yield* Clock.currentTimeMillis
          const components: Record<string, ComponentHealth> = {}
          const reasons: Array<string> = []
          let status: HealthStatus = "healthy"
          for (let i = 0; i < entries.length; i++) {
            const name = entries[i][0]
            const c = results[i]
            components[name] = c
            const effective: HealthStatus = c.status === "unhealthy" && !c.critical ? "degraded" : c.status
            status = worst(status, effective)
            if (c.status !== "healthy") reasons.push(`${name}: ${c.reason ?? c.status}`)
            yield* observe(name, c.status, c.reason, at)
          }
          yield* observe("overall", status, reasons.join("; ") || undefined, at)
          return { status, at, reasons, components } satisfies HealthReport
        })

        const readyReport = Effect.gen(function* () {
          const at = yield* Clock.currentTimeMillis
          // Required flags not yet ready, plus any flag a service has explicitly set not ready.
          const waitingFor = [
            ...new Set([
              ...required.filter((f) => flags.get(f)?.ready !== true),
              ...[...flags].filter(([, f]) => !f.ready).map(([k]) => k),
            ]),
          ]
          const isReady = waitingFor.length === 0
          if (lastReady !== isReady) {
            const previous: HealthStatus | undefined =
              lastReady === undefined ? undefined : lastReady ? "healthy" : "unhealthy"
            lastReady = isReady
            yield* emit({
              component: "ready",
              status: isReady ? "healthy" : "unhealthy",
              previous,
              reason: isReady ? undefined : `waiting for ${waitingFor.join(", ")}`,
              at,
            })
          }
          return { ready: isReady, at, waitingFor, flags: Object.fromEntries(flags) } satisfies ReadyReport
        })

        const pollMs = options.pollIntervalMs ?? 15_000
        if (pollMs > 0 && onChange !== undefined) {
          yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(pollMs), report)))
        }

        return HealthRegistry.of({
          register: (name, check, opts = {}) =>
            Effect.sync(() => {
              checks.set(name, { check, critical: opts.critical ?? true, timeoutMs: opts.timeoutMs ?? 5000 })
            }),
          unregister: (name) =>
            Effect.sync(() => {
              checks.delete(name)
              last.delete(name)
            }),
          report,
          check: (name) => {
            const entry = checks.get(name)
            return entry === undefined ? Effect.succeed(undefined) : runCheck(name, entry)
          },
          live: Effect.map(
            Clock.currentTimeMillis,
            (at): LiveReport => ({ status: "healthy", at, uptimeMs: at - startedAt }),
          ),
          setReady: (flag, ready, reason) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const prev = flags.get(flag)
              if (prev === undefined || prev.ready !== ready || prev.reason !== reason) {
                flags.set(flag, { ready, reason, since: prev !== undefined && prev.ready === ready ? prev.since : now })
              }
              return Effect.asVoid(readyReport)
            }),
          ready: readyReport,
        })
      }),
    )

  static readonly layer = HealthRegistry.layerWith()
}
