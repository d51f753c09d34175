/**
 * @module Settling one call a plugin worker ran: its status, score, time and values (as the pool
 * read them back) become an outcome on the slot's breaker, exactly as an inline call's result
 * does (`settle.ts`).
 */
import type { Permit } from "../../resilience/index.ts"
import { recordCall, type IndicatorSlot } from "../registry.ts"
import { failCall, overBudget, succeedCall, type Limits } from "../settle.ts"
import type { IndicatorOutcome, PluginEvent } from "../types.ts"
import { CALL_FAILED, CALL_OK } from "./protocol.ts"
import { CALL_CUT_OFF, CALL_SKIPPED, type ShareResult } from "./share-result.ts"

/** The outcome of call `k` of a share's result `r` (read from it as it is settled, no copy in between). */
export const settleResult = (
  slot: IndicatorSlot,
  permit: Permit,
  r: ShareResult,
  k: number,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
): IndicatorOutcome => {
  const status = r.status(k)
  const note = r.note(k)
  const micros = r.micros(k)
  if (status === CALL_SKIPPED) {
    slot.breaker.release(permit)
    return {
      name: slot.name,
      component: slot.component,
      weight: slot.weight,
      status: "quarantined",
      score: null,
      values: {},
      error: note ?? "skipped",
      micros: 0,
    }
  }
  recordCall(slot.stats, micros)
  if (status === CALL_CUT_OFF) return failCall(slot, permit, note ?? "cut off", micros, now, events, true)
  if (status === CALL_FAILED) return failCall(slot, permit, note ?? "failed", micros, now, events)
  if (status !== CALL_OK) return failCall(slot, permit, `unknown call status ${status}`, micros, now, events)
  const late = overBudget(micros, limits)
  if (late !== null) return failCall(slot, permit, late, micros, now, events)
  const score = r.score(k)
  return succeedCall(slot, permit, Number.isNaN(score) ? null : score, r.values(k), note, micros, now, events)
}
