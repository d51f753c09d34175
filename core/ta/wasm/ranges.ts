/** @module WASM-backed range oscillators (`core/ta` public functions). */
import type { PeriodOptions, StochOptions, StochResult, UltoscOptions } from "../catalog.ts"
import { run } from "./call.ts"

/** Slow stochastic (TA-Lib STOCH, SMA slowing), defaults 5/3/3. */
export const stoch = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: StochOptions,
): StochResult => {
  const [k, d] = run("stoch", [high, low, close], options, 2, 2, (c) =>
    c.k.stoch(
      c.ins[0]!,
      c.ins[1]!,
      c.ins[2]!,
      c.outs[0]!,
      c.outs[1]!,
      c.tmps[0]!,
      c.tmps[1]!,
      c.from,
      c.to,
      c.p.fastKPeriod!,
      c.p.slowKPeriod!,
      c.p.slowDPeriod!,
      c.s,
    ),
  )
  return { k: k!, d: d! }
}

/** Williams %R (TA-Lib WILLR), default period 14. */
export const willr = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array =>
  run("willr", [high, low, close], options, 1, 0, (c) =>
    c.k.willr(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.outs[0]!, c.from, c.to, c.p.period!),
  )[0]!

/** Commodity channel index (TA-Lib CCI), default period 14. */
export const cci = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: PeriodOptions,
): Float64Array =>
  run("cci", [high, low, close], options, 1, 1, (c) =>
    c.k.cci(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.outs[0]!, c.tmps[0]!, c.from, c.to, c.p.period!),
  )[0]!

/** Ultimate oscillator (TA-Lib ULTOSC), defaults 7/14/28 (sorted: weight 4 goes to the shortest). */
export const ultosc = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  options?: UltoscOptions,
): Float64Array =>
  run("ultosc", [high, low, close], options, 1, 2, (c) => {
    const [p1, p2, p3] = [c.p.period1!, c.p.period2!, c.p.period3!].sort((a, b) => a - b)
    c.k.ultosc(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.outs[0]!, c.tmps[0]!, c.tmps[1]!, c.from, c.to, p1!, p2!, p3!, c.s)
  })[0]!
