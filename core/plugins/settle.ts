/**
 * @module Settling one indicator call: whether it may run (breaker, data needs, lookback), and
 * what its result or failure does to the slot's breaker and stats. Shared by the inline path
 * (`evaluate.ts`) and the worker dispatcher, so both settle a call the same way.
 */
import { Permit } from "../resilience/index.ts"
import type { BaseContext } from "./call-context.ts"
import { recordError, type IndicatorSlot } from "./registry.ts"
import type { DataNeed } from "./sdk.ts"
import type { IndicatorOutcome, PluginEvent } from "./types.ts"

export interface Limits {
  readonly budgetMs: number
}

const NO_VALUES: Readonly<Record<string, number>> = Object.freeze({})

const hasNeed = (ctx: BaseContext, need: DataNeed): boolean => {
  switch (need) {
    case "orderbook":
      return ctx.orderbook !== undefined
    case "trades":
      // The tape first: reading `trades` of Analysis's contexts makes the trade objects.
      return ctx.tape !== undefined || ctx.trades !== undefined
    case "ticker":
      return ctx.market?.ticker !== undefined
    case "fundingRate":
      return ctx.market?.fundingRate !== undefined
    case "openInterest":
      return ctx.market?.openInterest !== undefined
    case "longShortRatio":
      return ctx.market?.longShortRatio !== undefined
    case "liquidations":
      return ctx.market?.liquidations !== undefined
  }
}

/**
 * Whether `slot` may be called on `ctx` now: a breaker permit, or the outcome that stands in for
 * the call (quarantined, or unavailable for missing data — no verdict for the breaker then).
 */
export const admit = (slot: IndicatorSlot, ctx: BaseContext, now: number): Permit | IndicatorOutcome => {
  const { name, component, weight } = slot
  const permit = slot.breaker.allow(now)
  if (permit === Permit.Rejected) {
    return {
      name,
      component,
      weight,
      status: "quarantined",
      score: null,
      values: NO_VALUES,
      error: slot.stats.lastError ?? "quarantined",
      micros: 0,
    }
  }
  const plugin = slot.plugin
  let missing: DataNeed | undefined
  const needs = plugin.needs
  if (needs !== undefined) {
    for (let i = 0; i < needs.length; i++) {
      if (!hasNeed(ctx, needs[i])) {
        missing = needs[i]
        break
      }
    }
  }
  const candles = ctx.candles.close.length
  if (missing !== undefined || candles < plugin.lookback) {
    slot.breaker.release(permit) // no call was made: no verdict for the breaker
    const reason = missing !== undefined ? `no ${missing} data` : `needs ${plugin.lookback} candles, has ${candles}`
    return { name, component, weight, status: "unavailable", score: null, values: NO_VALUES, reason, micros: 0 }
  }
  return permit
}

/** A call's failure: counted on the slot's breaker; a quarantine it causes goes into `events`. */
export const failCall = (
  slot: IndicatorSlot,
  permit: Permit,
  problem: string,
  micros: number,
  now: number,
  events: Array<PluginEvent>,
  opensNow = false,
): IndicatorOutcome => {
  const { name, component, weight } = slot
  recordError(slot.stats, problem, now)
  const before = slot.breaker.state
  slot.breaker.onFailure(now, permit)
  // A call that had to be cut off cost a worker: quarantine at once rather than after N of them.
  while (opensNow && slot.breaker.state === "closed") slot.breaker.onFailure(now, Permit.Call)
  if (before !== "open" && slot.breaker.state === "open") {
    const retryAt = slot.breaker.openedAt + slot.breaker.openMs
    const after = opensNow
      ? "a call that was cut off"
      : permit === Permit.Probe
        ? "a failed trial call"
        : `${slot.breaker.consecutiveFailures} consecutive failures`
    events.push({
      type: "quarantined",
      name,
      kind: "indicator",
      file: slot.file,
      version: slot.version,
      error: `${problem} (quarantined after ${after}; retry at ${new Date(retryAt).toISOString()})`,
      time: now,
    })
  }
  return { name, component, weight, status: "failed", score: null, values: NO_VALUES, error: problem, micros }
}

/**
 * A call that returned a valid result (already checked by `problemWith`): its score, values and
 * reason as separate arguments, so a worker's result read back from shared memory needs no
 * object of its own per call.
 */
export const succeedCall = (
  slot: IndicatorSlot,
  permit: Permit,
  score: number | null,
  rawValues: Record<string, number> | undefined,
  rawReason: unknown,
  micros: number,
  now: number,
  events: Array<PluginEvent>,
): IndicatorOutcome => {
  const { name, component, weight } = slot
  slot.breaker.onSuccess(now, permit)
  if (permit === Permit.Probe && slot.breaker.state === "closed") {
    events.push({ type: "recovered", name, kind: "indicator", file: slot.file, version: slot.version, time: now })
  }
  const values = rawValues ?? NO_VALUES
  const reason = typeof rawReason === "string" ? rawReason : undefined
  if (score === null) {
    return {
      name,
      component,
      weight,
      status: "unavailable",
      score: null,
      values,
      reason: reason ?? "plugin returned no score",
      micros,
    }
  }
  return reason === undefined
    ? { name, component, weight, status: "ok", score, values, micros }
    : { name, component, weight, status: "ok", score, values, reason, micros }
}

export const overBudget = (micros: number, limits: Limits): string | null =>
  micros > limits.budgetMs * 1000
    ? `compute took ${(micros / 1000).toFixed(2)} ms, over the ${limits.budgetMs} ms budget`
    : null
