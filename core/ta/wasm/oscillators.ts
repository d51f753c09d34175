/** @module WASM-backed oscillators (`core/ta` public functions). */
import type { MacdOptions, MacdResult, PeriodOptions, StochResult, StochRsiOptions } from "../catalog.ts"
import { run } from "./call.ts"

/** Wilder RSI (TA-Lib RSI), default period 14; 0 on a flat window. */
export const rsi = (close: Float64Array, options?: PeriodOptions): Float64Array =>
  run("rsi", [close], options, 1, 0, (c) => c.k.rsi(c.ins[0]!, c.outs[0]!, c.from, c.to, c.p.period!, c.s))[0]!

/** MACD line, signal and histogram (TA-Lib MACD), defaults 12/26/9. */
export const macd = (close: Float64Array, options?: MacdOptions): MacdResult => {
  const [m, signal, hist] = run("macd", [close], options, 3, 0, (c) =>
    c.k.macd(
      c.ins[0]!,
      c.outs[0]!,
      c.outs[1]!,
      c.outs[2]!,
      c.from,
      c.to,
      c.p.fastPeriod!,
      c.p.slowPeriod!,
      c.p.signalPeriod!,
      c.s,
    ),
  )
  return { macd: m!, signal: signal!, hist: hist! }
}

/** Stochastic RSI (TA-Lib STOCHRSI), defaults period 14, %K 5, %D 3. */
export const stochRsi = (close: Float64Array, options?: StochRsiOptions): StochResult => {
  const [k, d] = run("stochRsi", [close], options, 2, 2, (c) =>
    c.k.stochRsi(
      c.ins[0]!,
      c.outs[0]!,
      c.outs[1]!,
      c.tmps[0]!,
      c.tmps[1]!,
      c.from,
      c.to,
      c.p.period!,
      c.p.fastKPeriod!,
      c.p.fastDPeriod!,
      c.s,
    ),
  )
  return { k: k!, d: d! }
}

/** Rate of change in percent (TA-Lib ROC), default period 10. */
export const roc = (close: Float64Array, options?: PeriodOptions): Float64Array =>
  run("roc", [close], options, 1, 0, (c) => c.k.roc(c.ins[0]!, c.outs[0]!, c.from, c.to, c.p.period!))[0]!

/** Momentum (TA-Lib MOM), default period 10. */
export const mom = (close: Float64Array, options?: PeriodOptions): Float64Array =>
  run("mom", [close], options, 1, 0, (c) => c.k.mom(c.ins[0]!, c.outs[0]!, c.from, c.to, c.p.period!))[0]!
