/**
 * @module Running indicator plugins for one context, each one isolated from the others.
 *
 * This is the per-cycle hot loop (symbols × timeframes × plugins), so it is plain synchronous
 * code: results are checked by hand rather than with zod (the zod schema already checked the
 * plugin's shape at load), and time is read once per call with `performance.now()` because a
 * compute budget is about real CPU time, which a virtual clock does not advance.
 */
import { Permit } from "../resilience/index.ts"
import { recordCall, recordError, type IndicatorSlot } from "./registry.ts"
import type { Component, DataNeed, IndicatorContext } from "./sdk.ts"
import type { IndicatorOutcome, PluginEvent } from "./types.ts"

export interface Limits {
  readonly budgetMs: number
}

export type BaseContext = Omit<IndicatorContext, "params">

const NO_VALUES: Readonly<Record<string, number>> = Object.freeze({})

const hasNeed = (ctx: BaseContext, need: DataNeed): boolean => {
  switch (need) {
    case "orderbook": return ctx.orderbook !== undefined
    case "trades": return ctx.trades !== undefined
    case "ticker": return ctx.market?.ticker !== undefined
    case "fundingRate": return ctx.market?.fundingRate !== undefined
    case "openInterest": return ctx.market?.openInterest !== undefined
    case "longShortRatio": return ctx.market?.longShortRatio !== undefined
    case "liquidations": return ctx.market?.liquidations !== undefined
  }
}

const describe = (v: unknown): string => {
  if (typeof v === "string") return JSON.stringify(v)
  if (v === null || typeof v !== "object") return String(v)
  return Array.isArray(v) ? "an array" : "an object"
}

/** What is wrong with a compute result, or null when it is a valid one. */
const problemWith = (result: unknown): string | null => {
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    return `compute returned ${describe(result)}, expected { score, values? }`
  }
  if (typeof (result as { then?: unknown }).then === "function") return "compute returned a Promise; compute must be synchronous"
  const { score, values } = result as { score?: unknown; values?: unknown }
  if (score === undefined) return "result has no score (return score: null when data is missing)"
  if (score !== null) {
    if (typeof score !== "number") return `score must be a number or null, got ${describe(score)}`
    if (Number.isNaN(score)) return "score is NaN"
    if (!(score >= 0 && score <= 100)) return `score ${score} is outside [0, 100]`
  }
  if (values !== undefined && (values === null || typeof values !== "object" || Array.isArray(values))) {
    return `values must be an object of numbers, got ${describe(values)}`
  }
  return null
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))

/**
 * Runs every slot (optionally only some components) against `ctx`. Failures are counted on the
 * slot's breaker; quarantine and recovery transitions are appended to `events`.
 */
export const runIndicators = (
  slots: ReadonlyArray<IndicatorSlot>,
  ctx: BaseContext,
  components: ReadonlySet<Component> | undefined,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
): ReadonlyArray<IndicatorOutcome> => {
  const out: Array<IndicatorOutcome> = []
  const candles = ctx.candles.close.length
  for (const slot of slots) {
    if (components !== undefined && !components.has(slot.component)) continue
    const base = { name: slot.name, component: slot.component, weight: slot.weight }
    const permit = slot.breaker.allow(now)
    if (permit === Permit.Rejected) {
      out.push({ ...base, status: "quarantined", score: null, values: NO_VALUES, error: slot.stats.lastError ?? "quarantined", micros: 0 })
      continue
    }
    const missing = slot.plugin.needs?.find((need) => !hasNeed(ctx, need))
    if (missing !== undefined || candles < slot.plugin.lookback) {
      slot.breaker.release(permit) // no call was made: no verdict for the breaker
      const reason = missing !== undefined ? `no ${missing} data` : `needs ${slot.plugin.lookback} candles, has ${candles}`
      out.push({ ...base, status: "unavailable", score: null, values: NO_VALUES, reason, micros: 0 })
      continue
    }

    let result: unknown
    let thrown: unknown
    let threw = false
    const started = performance.now()
    try {
      result = slot.plugin.compute({ ...ctx, params: slot.params })
    } catch (e) {
      threw = true
      thrown = e
    }
    const micros = (performance.now() - started) * 1000
    recordCall(slot.stats, micros)

    const problem = threw
      ? `compute threw ${errorText(thrown)}`
      : micros > limits.budgetMs * 1000
        ? `compute took ${(micros / 1000).toFixed(2)} ms, over the ${limits.budgetMs} ms budget`
        : problemWith(result)
    if (problem !== null) {
      recordError(slot.stats, problem, now)
      const before = slot.breaker.state
      slot.breaker.onFailure(now, permit)
      if (before !== "open" && slot.breaker.state === "open") {
        const retryAt = slot.breaker.openedAt + slot.breaker.openMs
        events.push({
          type: "quarantined", name: slot.name, kind: "indicator", file: slot.file, version: slot.version,
          error: `${problem} (quarantined after ${permit === Permit.Probe ? "a failed trial call" : `${slot.breaker.consecutiveFailures} consecutive failures`}; retry at ${new Date(retryAt).toISOString()})`,
          time: now,
        })
      }
      out.push({ ...base, status: "failed", score: null, values: NO_VALUES, error: problem, micros })
      continue
    }

    slot.breaker.onSuccess(now, permit)
    if (permit === Permit.Probe && slot.breaker.state === "closed") {
      events.push({ type: "recovered", name: slot.name, kind: "indicator", file: slot.file, version: slot.version, time: now })
    }
    const r = result as { score: number | null; values?: Record<string, number>; reason?: unknown }
    const values = r.values ?? NO_VALUES
    const reason = typeof r.reason === "string" ? r.reason : undefined
    if (r.score === null) {
      out.push({ ...base, status: "unavailable", score: null, values, reason: reason ?? "plugin returned no score", micros })
    } else {
      out.push(reason === undefined
        ? { ...base, status: "ok", score: r.score, values, micros }
        : { ...base, status: "ok", score: r.score, values, reason, micros })
    }
  }
  return out
}
