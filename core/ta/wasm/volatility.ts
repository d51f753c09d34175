/** @module WASM-backed volatility functions (`core/ta` public functions). */
import type { BbandsOptions, BbandsResult, PeriodOptions, StddevOptions } from "../catalog.ts"
import { run } from "./call.ts"

/** True range (TA-Lib TRANGE); NaN at index 0. */
export const trange = (high: Float64Array, low: Float64Array, close: Float64Array): Float64Array =>
  run("trange", [high, low, close], undefined, 1, 0, (c) =>
    c.k.trange(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.outs[0]!, c.from, c.to),
  )[0]!

/** Average true range (TA-Lib ATR, Wilder), default period 14. */
export const atr = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array =>
  run("atr", [high, low, close], options, 1, 0, (c) =>
    c.k.atr(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.outs[0]!, 0, 0, c.from, c.to, c.p.period!, c.s),
  )[0]!

/** Normalized ATR in percent of close (TA-Lib NATR), default period 14. */
export const natr = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array =>
  run("natr", [high, low, close], options, 1, 0, (c) =>
    c.k.atr(c.ins[0]!, c.ins[1]!, c.ins[2]!, 0, c.outs[0]!, 0, c.from, c.to, c.p.period!, c.s),
  )[0]!

/** Bollinger bands (TA-Lib BBANDS, SMA middle, population deviation), defaults 5, 2, 2. */
export const bbands = (close: Float64Array, options?: BbandsOptions): BbandsResult => {
  const [upper, middle, lower] = run("bbands", [close], options, 3, 0, (c) =>
    c.k.bbands(
      c.ins[0]!,
      c.outs[0]!,
      c.outs[1]!,
      c.outs[2]!,
      c.from,
      c.to,
      c.p.period!,
      c.p.nbDevUp!,
      c.p.nbDevDn!,
      c.s,
    ),
  )
  return { upper: upper!, middle: middle!, lower: lower! }
}

/** Rolling population standard deviation × nbDev (TA-Lib STDDEV), defaults 5, 1. */
export const stddev = (close: Float64Array, options?: StddevOptions): Float64Array =>
  run("stddev", [close], options, 1, 0, (c) =>
    c.k.stddev(c.ins[0]!, c.outs[0]!, c.from, c.to, c.p.period!, c.p.nbDev!, c.s),
  )[0]!
