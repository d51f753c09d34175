/**
 * @module Health data shapes: what a check answers, what `/health` reports, what changes emit.
 */

export type HealthStatus = "healthy" | "degraded" | "unhealthy"

/** What one registered check answers. `reason` says why when not healthy. */
export interface CheckResult {
  readonly status: HealthStatus
  readonly reason?: string
  readonly details?: Readonly<Record<string, unknown>>
}

export interface ComponentHealth extends CheckResult {
  /** A non-critical component that is unhealthy only degrades the whole. */
  readonly critical: boolean
  readonly checkedAt: number
  readonly durationMs: number
}

export interface HealthReport {
  readonly status: HealthStatus
  readonly at: number
  /** One line per component that is not healthy: "<component>: <reason>". */
  readonly reasons: ReadonlyArray<string>
  readonly components: Readonly<Record<string, ComponentHealth>>
}

export interface LiveReport {
  readonly status: "healthy"
  readonly at: number
  readonly uptimeMs: number
}

export interface ReadinessFlag {
  readonly ready: boolean
  readonly reason?: string
  readonly since: number
}

export interface ReadyReport {
  readonly ready: boolean
  readonly at: number
  /** Required flags not yet set ready. */
  readonly waitingFor: ReadonlyArray<string>
  readonly flags: Readonly<Record<string, ReadinessFlag>>
}

/** A component (or "overall", or "ready") moved between statuses; `health.changed` on the bus. */
export interface HealthChange {
  readonly component: string
  readonly status: HealthStatus
  readonly previous?: HealthStatus
  readonly reason?: string
  readonly at: number
}

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 }

export const worst = (a: HealthStatus, b: HealthStatus): HealthStatus => (RANK[b] > RANK[a] ? b : a)

export const healthy = (details?: Readonly<Record<string, unknown>>): CheckResult =>
  details === undefined ? { status: "healthy" } : { status: "healthy", details }
export const degraded = (reason: string, details?: Readonly<Record<string, unknown>>): CheckResult => ({
  status: "degraded",
  reason,
  ...(details === undefined ? {} : { details }),
})
export const unhealthy = (reason: string, details?: Readonly<Record<string, unknown>>): CheckResult => ({
  status: "unhealthy",
  reason,
  ...(details === undefined ? {} : { details }),
})

/** HTTP status for `/health`: 503 only when unhealthy; degraded still serves (200). */
export const healthHttpStatus = (report: Pick<HealthReport, "status">): 200 | 503 =>
  report.status === "unhealthy" ? 503 : 200

/** HTTP status for `/health/ready`. */
export const readyHttpStatus = (report: Pick<ReadyReport, "ready">): 200 | 503 => (report.ready ? 200 : 503)
