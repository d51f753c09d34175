/**
 * @module The one weighted-mean primitive every confluence aggregation goes through.
 *
 * Contract (the WASM kernel `weightedMean` in wasm/assembly/confluence.ts, reached through
 * core/ta): NaN values are skipped and the weights re-normalised over the present ones; the
 * result is NaN when nothing is present or the present weights sum to 0.
 */
import { weightedMean } from "../../ta/index.ts"

export type WeightedMean = (values: Float64Array, weights: Float64Array) => number

/** The WASM kernel: the default for every fold and roll-up. */
export const weightedMeanWasm: WeightedMean = weightedMean

/** Plain-TS form of the same kernel, the reference the tests compare the WASM one with. */
export const weightedMeanTs: WeightedMean = (values, weights) => {
  let num = 0
  let den = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v !== v) continue
    num += v * weights[i]
    den += weights[i]
  }
  return num / den
}
