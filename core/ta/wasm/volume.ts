/** @module WASM-backed volume functions (`core/ta` public functions). */
import type { AdoscOptions, PeriodOptions } from "../catalog.ts"
import { run } from "./call.ts"

/** On-balance volume starting at volume[0] (TA-Lib OBV). */
export const obv = (close: Float64Array, volume: Float64Array): Float64Array =>
  run("obv", [close, volume], undefined, 1, 0, (c) => c.k.obv(c.ins[0]!, c.ins[1]!, c.outs[0]!, c.from, c.to, c.s))[0]!

/** Chaikin accumulation/distribution line (TA-Lib AD). */
export const ad = (high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array): Float64Array =>
  run("ad", [high, low, close, volume], undefined, 1, 0, (c) =>
    c.k.ad(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.ins[3]!, c.outs[0]!, c.from, c.to, c.s),
  )[0]!

/** Chaikin A/D oscillator (TA-Lib ADOSC), defaults 3/10. */
export const adosc = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options?: AdoscOptions,
): Float64Array =>
  run("adosc", [high, low, close, volume], options, 1, 0, (c) =>
    c.k.adosc(
      c.ins[0]!,
      c.ins[1]!,
      c.ins[2]!,
      c.ins[3]!,
      c.outs[0]!,
      c.from,
      c.to,
      c.p.fastPeriod!,
      c.p.slowPeriod!,
      c.s,
    ),
  )[0]!

/** Money flow index (TA-Lib MFI), default period 14. */
export const mfi = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options?: PeriodOptions,
): Float64Array =>
  run("mfi", [high, low, close, volume], options, 1, 1, (c) =>
    c.k.mfi(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.ins[3]!, c.outs[0]!, c.tmps[0]!, c.from, c.to, c.p.period!, c.s),
  )[0]!

/** Typical-price VWAP: period 0 = cumulative, N = rolling N candles; NaN while no volume. */
export const vwap = (
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  options?: PeriodOptions,
): Float64Array =>
  run("vwap", [high, low, close, volume], options, 1, 0, (c) =>
    c.k.vwap(c.ins[0]!, c.ins[1]!, c.ins[2]!, c.ins[3]!, c.outs[0]!, c.from, c.to, c.p.period!, c.s),
  )[0]!
