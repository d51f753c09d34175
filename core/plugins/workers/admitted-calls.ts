/**
 * @module The plugin-worker calls admitted for one worker's share of a batch, kept column by
 * column until their outcomes are settled, and the outcome of a worker slot whose workers are
 * still starting.
 */
import type { Permit } from "../../resilience/index.ts"
import type { IndicatorSlot } from "../registry.ts"
import type { InputValues } from "../sdk.ts"
import type { IndicatorOutcome } from "../types.ts"

/**
 * The calls of one worker's share of a batch, column by column in typed arrays (no object and no
 * array push per call on the hot path). Call `c` belongs to request `requests[c]` (one symbol's
 * contexts) and is that request's plan entry `plans[c]`; its outcome goes to `outs[list][at]` of
 * its request, or position `at` of every list when `list` is -1 (a symbol-scoped call shared by
 * its timeframes). `contexts` holds the index of the call's context in the share's contexts. The
 * dispatcher keeps one per worker slot, emptied for each batch: grown once to the size of a
 * cycle's share rather than doubling up to it from scratch every cycle.
 */
export class AdmittedCalls {
  length = 0
  requests = new Int32Array(1024)
  plans = new Int32Array(1024)
  permits = new Uint8Array(1024)
  plugins = new Int32Array(1024)
  contexts = new Int32Array(1024)
  lists = new Int32Array(1024)
  ats = new Int32Array(1024)
  /** Declared input values by call (undefined for calls without), read in the host when admitted. */
  readonly inputs: Array<InputValues | undefined> = []

  add(
    request: number,
    plan: number,
    permit: Permit,
    plugin: number,
    context: number,
    inputs: InputValues | undefined,
    list: number,
    at: number,
  ): void {
    const c = this.length
    if (c === this.plugins.length) this.grow()
    this.requests[c] = request
    this.plans[c] = plan
    this.permits[c] = permit
    this.plugins[c] = plugin
    this.contexts[c] = context
    this.lists[c] = list
    this.ats[c] = at
    // Written for every call, so the list stays dense (and an entry left from an earlier batch,
    // past this one's calls, is never read).
    this.inputs[c] = inputs
    this.length = c + 1
  }

  /** Empties the columns for the next batch, keeping their capacity (a batch's size repeats). */
  clear(): void {
    this.length = 0
  }

  private grow(): void {
    const n = 2 * this.plugins.length
    const more = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n)
      b.set(a)
      return b
    }
    this.requests = more(this.requests, (n) => new Int32Array(n))
    this.plans = more(this.plans, (n) => new Int32Array(n))
    this.permits = more(this.permits, (n) => new Uint8Array(n))
    this.plugins = more(this.plugins, (n) => new Int32Array(n))
    this.contexts = more(this.contexts, (n) => new Int32Array(n))
    this.lists = more(this.lists, (n) => new Int32Array(n))
    this.ats = more(this.ats, (n) => new Int32Array(n))
  }
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
