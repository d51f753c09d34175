/**
 * @module Compiles an indicator set (`{ name: { fn, params } }`) into the flat plan table the WASM
 * driver (`wasm/assembly/engine.ts`) walks: kernel id, column indices, parameters, state offset
 * and lookback per entry. Output and scratch columns are numbered after the six candle columns.
 */
import { resolveParams, specOf } from "../catalog.ts"

/** One configured indicator: a `core/ta` function name and its options (TA-Lib defaults otherwise). */
export interface IndicatorConfig {
  readonly fn: string
  readonly params?: Readonly<Record<string, number>>
}
export type IndicatorSet = Readonly<Record<string, IndicatorConfig>>

export const CANDLE_COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const
const COL = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } as const
type ColName = keyof typeof COL

/** How a catalogue function maps onto a kernel of the driver's switch. */
interface KernelSpec {
  readonly id: number
  readonly inputs: ReadonlyArray<ColName>
  readonly tmps: number
  readonly params: ReadonlyArray<string>
}

const c1 = (id: number, params: ReadonlyArray<string> = ["period"]): KernelSpec => ({ id, inputs: ["close"], tmps: 0, params })

const KERNELS: Readonly<Record<string, KernelSpec>> = {
  sma: c1(1), ema: c1(2), wma: c1(3), dema: c1(4), tema: c1(5), kama: c1(6), rsi: c1(7),
  macd: c1(8, ["fastPeriod", "slowPeriod", "signalPeriod"]),
  stochRsi: { id: 9, inputs: ["close"], tmps: 2, params: ["period", "fastKPeriod", "fastDPeriod"] },
  roc: c1(10), mom: c1(11),
}

/** Supported `fn` names in engine sets. */
export const ENGINE_FUNCTIONS: ReadonlyArray<string> = Object.keys(KERNELS)

export const ENTRY_F64 = 16
export const STATE_SLOTS_PER_ENTRY = 8

export interface Plan {
  /** Flat f64 table, ENTRY_F64 per entry. */
  readonly table: Float64Array
  readonly entries: number
  /** Total columns per series (6 candle + outputs + scratch). */
  readonly columns: number
  /** Output key (`rsi`, `macd.signal`) → column index. */
  readonly outputColumn: ReadonlyMap<string, number>
  readonly stateBytes: number
  readonly maxLookback: number
}

export const compilePlan = (set: IndicatorSet): Plan => {
  const names = Object.keys(set)
  const table = new Float64Array(Math.max(1, names.length) * ENTRY_F64)
  const outputColumn = new Map<string, number>()
  let next = CANDLE_COLUMNS.length
  let maxLookback = 0
  names.forEach((name, e) => {
    const cfg = set[name]!
    const spec = specOf(cfg.fn)
    const kernel = KERNELS[spec.name]
    if (!kernel) throw new RangeError(`engine: indicator "${name}": ${spec.name} is not available in the resident engine`)
    const p = resolveParams(spec, cfg.params)
    const row = table.subarray(e * ENTRY_F64, (e + 1) * ENTRY_F64).fill(-1)
    row[0] = kernel.id
    kernel.inputs.forEach((c, i) => (row[1 + i] = COL[c]))
    spec.outputs.forEach((out, i) => {
      const key = spec.outputs.length === 1 ? name : `${name}.${out}`
      if (outputColumn.has(key)) throw new RangeError(`engine: duplicate output "${key}"`)
      outputColumn.set(key, next)
      row[5 + i] = next++
    })
    for (let i = 0; i < kernel.tmps; i++) row[8 + i] = next++
    kernel.params.forEach((k, i) => (row[10 + i] = p[k]!))
    row[13] = e * STATE_SLOTS_PER_ENTRY * 8
    // The driver resumes a kernel only after its whole warm-up; the largest one gates the series.
    const lookback = spec.lookback(p)
    row[14] = lookback
    maxLookback = Math.max(maxLookback, lookback)
  })
  return {
    table,
    entries: names.length,
    columns: next,
    outputColumn,
    stateBytes: Math.max(1, names.length) * STATE_SLOTS_PER_ENTRY * 8,
    maxLookback,
  }
}
