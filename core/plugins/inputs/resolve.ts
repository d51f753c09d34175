/**
 * @module Turns a plugin's declared inputs into canonical engine entries: each declaration's
 * function and options are checked against the `core/ta` catalogue (TA-Lib defaults filled in),
 * and named by function and resolved options, so equal declarations from different plugins
 * become one entry (`rsi(14)`) that the resident engine computes once per series.
 */
import { ENGINE_FUNCTIONS } from "../../ta/engine/index.ts"
import { resolveParams, specOf } from "../../ta/catalog.ts"
import type { InputDeclaration, InputDeclarations, InputsDeclaration } from "./declare.ts"

/** Most history values one input may ask for (they are copied out for every call). */
const MAX_HISTORY = 500

interface ResolvedInput {
  /** The plugin's own name for it (`ctx.inputs[name]`). */
  readonly name: string
  /** Canonical engine entry, e.g. `rsi(14)`; equal for equal function + resolved options. */
  readonly entry: string
  readonly fn: string
  readonly params: Readonly<Record<string, number>>
  /** The engine output key: `entry` or `entry.output` for multi-output functions. */
  readonly output: string
  /** Newest values to copy into `ctx.history[name]`; 0 = latest value only. */
  readonly history: number
  /** Candles before its first value (TA-Lib lookback; the fused ±DI kernels need ADX's). */
  readonly lookback: number
}

export interface ResolvedInputs {
  readonly list: ReadonlyArray<ResolvedInput>
  /** Identifies this exact set (names, entries, outputs, history) for value caches. */
  readonly id: string
}

const ENGINE = new Set(ENGINE_FUNCTIONS)

const resolveOne = (name: string, d: InputDeclaration): ResolvedInput => {
  if (d === null || typeof d !== "object" || typeof d.fn !== "string") {
    throw new RangeError(`input "${name}": expected { fn, params?, output?, history? }, e.g. input.rsi({ period: 14 })`)
  }
  const spec = specOf(d.fn)
  if (!ENGINE.has(spec.name)) {
    const available = ENGINE_FUNCTIONS.join(", ")
    throw new RangeError(`input "${name}": ${spec.name} is not computed by the resident engine (has: ${available})`)
  }
  const params = resolveParams(spec, d.params)
  const entry = `${spec.name}(${spec.params.map((p) => params[p.name]).join(",")})`
  const out = d.output ?? spec.outputs[0]!
  if (!spec.outputs.includes(out)) {
    throw new RangeError(`input "${name}": ${spec.name} has no output "${out}" (outputs: ${spec.outputs.join(", ")})`)
  }
  const history = d.history ?? 0
  if (!Number.isInteger(history) || history < 0 || history > MAX_HISTORY) {
    throw new RangeError(`input "${name}": history must be an integer in [0, ${MAX_HISTORY}], got ${String(d.history)}`)
  }
  const fused = spec.name === "plusDi" || spec.name === "minusDi" ? 2 * params.period! - 1 : 0
  return {
    name,
    entry,
    fn: spec.name,
    params,
    history,
    output: spec.outputs.length === 1 ? entry : `${entry}.${out}`,
    lookback: Math.max(spec.lookback(params), fused),
  }
}

/**
 * Resolves `inputs` (declarations or a function of `params`); throws a `RangeError` naming the
 * input and the problem (unknown function, bad option, unknown output, history out of range).
 */
export const resolveInputs = <P>(inputs: InputsDeclaration<P> | undefined, params: P): ResolvedInputs => {
  if (inputs === undefined) return { list: [], id: "" }
  const decls: InputDeclarations = typeof inputs === "function" ? inputs(params) : inputs
  if (decls === null || typeof decls !== "object" || Array.isArray(decls)) {
    throw new RangeError("inputs must be an object of declarations, e.g. { rsi: input.rsi({ period: 14 }) }")
  }
  const list = Object.entries(decls).map(([name, d]) => resolveOne(name, d))
  return { list, id: list.map((r) => `${r.name}=${r.output}#${r.history}`).join(";") }
}

const cache = new WeakMap<object, WeakMap<object, ResolvedInputs>>()

/**
 * `resolveInputs` of a loaded plugin with its resolved params, once per (plugin object, params
 * object): a reload or a config change brings new objects, so the cache never goes stale.
 */
export const inputsOf = <P extends object>(
  plugin: { readonly inputs?: InputsDeclaration<P> },
  params: P,
): ResolvedInputs => {
  let byParams = cache.get(plugin)
  if (byParams === undefined) cache.set(plugin, (byParams = new WeakMap()))
  let r = byParams.get(params)
  if (r === undefined) byParams.set(params, (r = resolveInputs(plugin.inputs, params)))
  return r
}
