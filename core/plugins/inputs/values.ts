/**
 * @module Reading declared inputs out of the engine: the newest row of every output, and each
 * series' ring of recent rows for declared histories. The values handed to a plugin are one
 * object per series and declared set, refreshed in place when the series changes, so a cycle
 * allocates nothing per call; a plugin copies what it keeps beyond its call.
 */
import type { ResidentEngine } from "../../ta/engine/index.ts"
import type { InputValues } from "./declare.ts"
import type { ResolvedInputs } from "./resolve.ts"
import type { FedSeries } from "./series-feed.ts"

/** How one declared set reads from one engine build. */
export interface Layout {
  readonly engine: ResidentEngine
  /** Index of this set's entry in every series' value cache. */
  readonly slot: number
  /** Output column of each declared input, in `list` order. */
  readonly cols: Int32Array
  readonly history: boolean
}

const NO_HISTORY: Readonly<Record<string, Float64Array>> = Object.freeze({})

/**
 * Copies the series' latest row into its history ring (over the newest row when `replace`);
 * `width` is the row length (engine outputs), `depth` the ring's rows (longest history).
 */
export const record = (e: ResidentEngine, s: FedSeries, replace: boolean, width: number, depth: number): void => {
  if (depth === 0) return
  const at = replace && s.ringCount > 0 ? (s.ringNext + depth - 1) % depth : s.ringNext
  if (e.computed(s.id)) s.ring.set(e.latestRow(s.id), at * width)
  else s.ring.fill(Number.NaN, at * width, (at + 1) * width)
  if (at !== s.ringNext) return
  s.ringNext = (s.ringNext + 1) % depth
  if (s.ringCount < depth) s.ringCount++
}

/** A fresh values object for the set: every key present from the start (one hidden class). */
const blank = (list: ResolvedInputs["list"], history: boolean): InputValues => {
  const inputs: Record<string, number> = {}
  for (const r of list) inputs[r.name] = Number.NaN
  if (!history) return { inputs, history: NO_HISTORY }
  const h: Record<string, Float64Array> = {}
  for (const r of list) if (r.history > 0) h[r.name] = new Float64Array(0)
  return { inputs, history: h }
}

/**
 * The set's values on `s` now, written into the series' object for this set (`s.cached[slot]`,
 * created on first use): its newest values and the newest `history` ring rows of each input.
 */
export const valuesOf = (
  e: ResidentEngine,
  s: FedSeries,
  list: ResolvedInputs["list"],
  layout: Layout,
  width: number,
  depth: number,
): InputValues => {
  let v = s.cached[layout.slot]
  if (v === undefined) s.cached[layout.slot] = v = blank(list, layout.history)
  const inputs = v.inputs as Record<string, number>
  const cols = layout.cols
  const row = e.computed(s.id) ? e.latestRow(s.id) : undefined
  for (let i = 0; i < list.length; i++) inputs[list[i]!.name] = row === undefined ? Number.NaN : row[cols[i]!]!
  if (!layout.history) return v
  const history = v.history as Record<string, Float64Array>
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!
    if (r.history === 0) continue
    const count = Math.min(r.history, s.ringCount)
    let out = history[r.name]!
    if (out.length !== count) history[r.name] = out = new Float64Array(count)
    const col = cols[i]!
    for (let k = 0, at = s.ringNext + depth - count; k < count; k++, at++) out[k] = s.ring[(at % depth) * width + col]!
  }
  return v
}
