/**
 * @module The plugin-worker calls a dispatcher admitted in one turn of the host's event loop,
 * kept column by column until the batch is flushed and its outcomes settled, and the outcome
 * of a worker slot whose workers are still starting.
 */
import type { Permit } from "../../resilience/index.ts"
import type { IndicatorSlot } from "../registry.ts"
import type { InputValues } from "../sdk.ts"
import type { IndicatorOutcome } from "../types.ts"

/**
 * The worker calls admitted in the current turn, column by column (one entry per call: no object
 * per call on the hot path). Where an outcome goes: `outs[i][list][at]`, or position `at` of
 * every list of `outs[i]` when `list` is -1 (a symbol-scoped call shared by its timeframes).
 * `contexts` holds the index of the call's context in its request, and once flushed in its
 * worker's share of the contexts.
 */
export interface Admitted {
  readonly slots: Array<IndicatorSlot>
  readonly permits: Array<Permit>
  readonly plugins: Array<number>
  readonly contexts: Array<number>
  /** Declared input values, read in the host when the call was admitted. */
  readonly inputs: Array<InputValues | undefined>
  readonly outs: Array<Array<Array<IndicatorOutcome>>>
  readonly lists: Array<number>
  readonly ats: Array<number>
}

export const admitted = (): Admitted => ({
  slots: [],
  permits: [],
  plugins: [],
  contexts: [],
  inputs: [],
  outs: [],
  lists: [],
  ats: [],
})

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
