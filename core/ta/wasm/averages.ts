/** @module WASM-backed moving averages (`core/ta` public functions). */
import type { PeriodOptions } from "../catalog.ts"
import { run } from "./call.ts"

const single =
  (name: "sma" | "ema" | "wma" | "dema" | "tema" | "kama") =>
  (close: Float64Array, options?: PeriodOptions): Float64Array =>
    run(name, [close], options, 1, 0, (c) => c.k[name](c.ins[0]!, c.outs[0]!, c.from, c.to, c.p.period!, c.s))[0]!

/** Simple moving average (TA-Lib SMA), default period 30. */
export const sma = single("sma")
/** Exponential moving average seeded with the SMA of the first N values (TA-Lib EMA), default period 30. */
export const ema = single("ema")
/** Linearly weighted moving average (TA-Lib WMA), default period 30. */
export const wma = single("wma")
/** Double EMA (TA-Lib DEMA), default period 30. */
export const dema = single("dema")
/** Triple EMA (TA-Lib TEMA), default period 30. */
export const tema = single("tema")
/** Kaufman adaptive moving average (TA-Lib KAMA), default period 30. */
export const kama = single("kama")
