/**
 * @module Ready-made checks over other services' state.
 */
import { Effect } from "effect"
import type { BreakerSnapshot } from "../resilience/index.ts"
import { type CheckResult, degraded, healthy, unhealthy } from "./schema.ts"

/**
 * Circuit breakers as one component: any open → degraded (the engine serves stale or partial
 * data); every breaker matching `criticalPrefix` open → unhealthy (e.g. the whole exchange).
 */
export const circuitBreakersCheck = (
  snapshot: Effect.Effect<ReadonlyArray<BreakerSnapshot>>,
  options: { readonly criticalPrefix?: string } = {},
): Effect.Effect<CheckResult> =>
  Effect.map(snapshot, (all) => {
    const details = { breakers: Object.fromEntries(all.map((b) => [b.name, b.state])) }
    const notClosed = all.filter((b) => b.state !== "closed")
    if (notClosed.length === 0) return healthy(details)
    const reason = notClosed.map((b) => `${b.name} ${b.state}${b.lastReason ? ` (${b.lastReason})` : ""}`).join(", ")
    const prefix = options.criticalPrefix
    if (prefix !== undefined) {
      const group = all.filter((b) => b.name.startsWith(prefix))
      if (group.length > 0 && group.every((b) => b.state === "open"))
        return unhealthy(`all ${prefix}* circuits open: ${reason}`, details)
    }
    return degraded(`circuits not closed: ${reason}`, details)
  })
