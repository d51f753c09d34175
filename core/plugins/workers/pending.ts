/**
 * @module The calls of a batch on their way through the worker pool: what was asked for per
 * symbol, each admitted call waiting for its worker, and where each outcome goes.
 */
import type { Permit } from "../../resilience/index.ts"
import type { BaseContext } from "../call-context.ts"
import type { IndicatorSlot } from "../registry.ts"
import type { Component, InputValues } from "../sdk.ts"
import type { IndicatorOutcome, PluginEvent } from "../types.ts"

export interface Pending {
  readonly slot: IndicatorSlot
  readonly permit: Permit
  /** Where the outcome goes: outs[list][at], or position `at` of every list when `list` is -1 (shared). */
  readonly outs: Array<Array<IndicatorOutcome>>
  readonly list: number
  readonly at: number
  readonly plugin: number
  /** Index of its context in its request; in its worker's share of the contexts once flushed. */
  context: number
  /** Declared input values, read in the host when the call was admitted. */
  readonly inputs: InputValues | undefined
}

/**
 * A batch runs in chunks of this many symbols at least, about CHUNKS of them: the first reaches
 * the workers after a quarter of the host's admission work, the last is settled while little
 * else is left to wait for.
 */
export const CHUNKS = 4
export const MIN_CHUNK = 16

/** One symbol asked for: what to run on its contexts, and where the outcomes go. */
export interface Asked {
  readonly slots: ReadonlyArray<IndicatorSlot>
  readonly ctxs: ReadonlyArray<BaseContext>
  readonly components: ReadonlySet<Component> | undefined
  readonly now: number
  /** The caller's events: quarantines and recoveries of the inline calls made while admitting. */
  readonly events: Array<PluginEvent>
  readonly outs: Array<Array<IndicatorOutcome>>
}

/** Puts a call's outcome in its place (every timeframe's list when the outcome is shared). */
export const place = (p: Pending, o: IndicatorOutcome): void => {
  if (p.list >= 0) p.outs[p.list][p.at] = o
  else for (const l of p.outs) l[p.at] = o
}

/** A call not made after all (its permit given back): what stands in for it. */
export const skipped = (p: Pending, error: string): IndicatorOutcome => {
  p.slot.breaker.release(p.permit)
  const { name, component, weight } = p.slot
  return { name, component, weight, status: "quarantined", score: null, values: {}, error, micros: 0 }
}

/** The outcome standing in for a worker slot whose workers are still starting. */
export const loading = (slot: IndicatorSlot): IndicatorOutcome => ({
  name: slot.name,
  component: slot.component,
  weight: slot.weight,
  status: "unavailable",
  score: null,
  values: {},
  reason: "loading in a plugin worker",
  micros: 0,
})
