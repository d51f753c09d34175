/**
 * @module The indicator catalogue: every `core/ta` function described as data — TA-Lib name,
 * inputs, parameters (TA-Lib defaults and limits), outputs and lookback. The CLI, tests and both
 * implementations (WASM kernels, the TS reference in test/support) look functions up here by name, so this file
 * imports no implementation.
 *
 * Conventions shared by every function:
 * - inputs are positional `Float64Array`s (order as in `inputs`), then an optional options object;
 * - every output has the input's length, `NaN` at the first `lookback(params)` positions;
 * - one output → a `Float64Array`; several → an object of arrays named as in `outputs`;
 * - parameter limits are TA-Lib's (e.g. SMA period 2..100000); a value outside them, a
 *   non-integer period, an unknown option or inputs of different lengths throw a `RangeError`;
 * - moving-average types: only SMA (TA-Lib MA type 0) is supported where TA-Lib takes one
 *   (BBANDS middle band, STOCH slow %K/%D, STOCHRSI fast %D).
 *
 * Deliberate differences from TA-Lib, both only at period 1: NATR(1) is 100·TR/close (TA-Lib
 * returns the plain true range there) and PLUS_DI/MINUS_DI(1) stay on the 0..100 scale (TA-Lib
 * returns DM/TR unscaled). Everywhere else results are TA-Lib's, bit for bit in the TS reference.
 */
import { AVERAGES } from "./catalog/averages.ts"
import { OSCILLATORS } from "./catalog/oscillators.ts"
import type { FunctionSpec } from "./catalog/spec.ts"
import { TREND } from "./catalog/trend.ts"
import { VOLATILITY } from "./catalog/volatility.ts"
import { VOLUME } from "./catalog/volume.ts"

export type * from "./catalog/options.ts"
export type { FunctionSpec } from "./catalog/spec.ts"

const specs: ReadonlyArray<FunctionSpec> = [...AVERAGES, ...OSCILLATORS, ...VOLATILITY, ...TREND, ...VOLUME]

/** All functions, in catalogue order. */
export const FUNCTIONS: ReadonlyArray<FunctionSpec> = specs

const key = (name: string): string => name.toLowerCase().replace(/_/g, "")
const byKey = new Map<string, FunctionSpec>()
for (const s of specs) {
  byKey.set(key(s.name), s)
  if (s.talib) byKey.set(key(s.talib), s)
}

/** Finds a function by our name or TA-Lib name, case-insensitively (`PLUS_DI`, `plusDi`, `plusdi`). */
export const lookupFunction = (name: string): FunctionSpec | undefined => byKey.get(key(name))

/** Catalogue entry by exact name; throws if missing (a programming error). */
export const specOf = (name: string): FunctionSpec => {
  const s = lookupFunction(name)
  if (!s) throw new RangeError(`unknown indicator "${name}"`)
  return s
}

/** Range check and defaults for one function's options; throws `RangeError` naming the parameter. */
export const resolveParams = (
  spec: FunctionSpec,
  options?: Readonly<Record<string, number | undefined>>,
): Record<string, number> => {
  const out: Record<string, number> = {}
  if (options) {
    for (const k of Object.keys(options)) {
      if (options[k] !== undefined && !spec.params.some((p) => p.name === k)) {
        const valid = spec.params.map((p) => p.name).join(", ") || "none"
        throw new RangeError(`${spec.name}: unknown option "${k}" (valid: ${valid})`)
      }
    }
  }
  for (const p of spec.params) {
    const v = options?.[p.name] ?? p.default
    if (typeof v !== "number" || !Number.isFinite(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
      const kind = p.integer ? "an integer" : "a number"
      throw new RangeError(`${spec.name}: ${p.name} must be ${kind} in [${p.min}, ${p.max}], got ${String(v)}`)
    }
    out[p.name] = v
  }
  return out
}

/** Throws `RangeError` unless all inputs have the same length; returns that length. */
export const checkInputs = (spec: FunctionSpec, inputs: ReadonlyArray<ArrayLike<number>>): number => {
  const n = inputs[0]!.length
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i]!.length !== n) {
      throw new RangeError(
        `${spec.name}: input lengths differ (${spec.inputs[0]} has ${n}, ${spec.inputs[i]} has ${inputs[i]!.length})`,
      )
    }
  }
  return n
}
