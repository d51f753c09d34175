/**
 * @module Last-value forms of every `core/ta` function: `last.rsi(close)` is `rsi(close)` at the
 * final index, computed by the same WASM kernel but without copying an output array out (a
 * resident input is not copied in either). For callers that score the newest candle only.
 */
import type * as Full from "./index-types.ts"
import { inLastMode } from "./call.ts"
import * as averages from "./averages.ts"
import * as oscillators from "./oscillators.ts"
import * as ranges from "./ranges.ts"
import * as volatility from "./volatility.ts"
import * as trend from "./trend.ts"
import * as volume from "./volume.ts"

type Last<F> = F extends (...args: infer A) => infer R
  ? (...args: A) => R extends Float64Array ? number : { readonly [K in keyof R]: number }
  : never
export type LastFunctions = { readonly [K in keyof Full.Functions]: Last<Full.Functions[K]> }

const lastOf =
  <A extends Array<unknown>>(fn: (...args: A) => Float64Array | object) =>
  (...args: A): unknown =>
    inLastMode(() => {
      const r = fn(...args)
      if (r instanceof Float64Array) return r[0]!
      return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (v as Float64Array)[0]!]))
    })

const all: Full.Functions = { ...averages, ...oscillators, ...ranges, ...volatility, ...trend, ...volume }

/**
 * `last.<fn>(...)`: the final value of `<fn>(...)` (NaN while in warm-up). Typed by hand, as
 * Object.fromEntries forgets the keys: the map has one entry per function of `all`.
 */
export const last = Object.fromEntries(
  Object.entries(all).map(([name, fn]) => [name, lastOf(fn as (...args: Array<unknown>) => Float64Array | object)]),
) as unknown as LastFunctions
