/** @module WASM-backed trend functions (`core/ta` public functions). */
import type { AroonResult, PeriodOptions, SarOptions } from "../catalog.ts"
import { run } from "./call.ts"

const dmiOutput =
  (name: "adx" | "plusDi" | "minusDi", slot: 0 | 1 | 2) =>
  (high: Float64Array, low: Float64Array, close: Float64Array, options?: PeriodOptions): Float64Array =>
    run(name, [high, low, close], options, 1, 0, (c) => {
      const outs = [0, 0, 0]
      outs[slot] = c.outs[0]!
      c.k.dmi(c.ins[0]!, c.ins[1]!, c.ins[2]!, outs[0]!, outs[1]!, outs[2]!, c.from, c.to, c.p.period!, c.s)
    })[0]!

/** Average directional index (TA-Lib ADX), default period 14. */
export const adx = dmiOutput("adx", 0)
/** Plus directional indicator (TA-Lib PLUS_DI), default period 14. */
export const plusDi = dmiOutput("plusDi", 1)
/** Minus directional indicator (TA-Lib MINUS_DI), default period 14. */
export const minusDi = dmiOutput("minusDi", 2)

/** Aroon down/up (TA-Lib AROON), default period 14. */
export const aroon = (high: Float64Array, low: Float64Array, options?: PeriodOptions): AroonResult => {
  const [down, up] = run("aroon", [high, low], options, 2, 0, (c) =>
    c.k.aroon(c.ins[0]!, c.ins[1]!, c.outs[0]!, c.outs[1]!, c.from, c.to, c.p.period!),
  )
  return { down: down!, up: up! }
}

/** Parabolic SAR (TA-Lib SAR), defaults acceleration 0.02, maximum 0.2. */
export const sar = (high: Float64Array, low: Float64Array, options?: SarOptions): Float64Array =>
  run("sar", [high, low], options, 1, 0, (c) =>
    c.k.sar(c.ins[0]!, c.ins[1]!, c.outs[0]!, c.from, c.to, c.p.acceleration!, c.p.maximum!, c.s),
  )[0]!
