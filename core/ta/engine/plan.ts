/**
 * @module Compiles an indicator set (`{ name: { fn, params } }`) into the flat plan table the WASM
 * driver (`wasm/assembly/engine.ts`) walks: kernel id, column indices, parameters, state offset
 * and lookback per entry. Scratch columns are numbered after the six candle columns; output
 * columns are OUTPUT_COLUMN_BASE + i and live in the output block.
 */
import { resolveParams, specOf } from "../catalog.ts"

/** One configured indicator: a `core/ta` function name and its options (TA-Lib defaults otherwise). */
export interface IndicatorConfig {
  readonly fn: string
  readonly params?: Readonly<Record<string, number>>
}
export type IndicatorSet = Readonly<Record<string, IndicatorConfig>>

const CANDLE_COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const
const COL = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } as const
type ColName = keyof typeof COL

/** How a catalogue function maps onto a kernel of the driver's switch. */
interface KernelSpec {
  readonly id: number
  readonly inputs: ReadonlyArray<ColName>
  readonly tmps: number
  readonly params: ReadonlyArray<string>
  /** Kernel output slot of each of the function's outputs (default 0, 1, 2 …). */
  readonly slots?: ReadonlyArray<number>
  /** Warm-up of the kernel itself when larger than the function's (fused +DI/−DI compute ADX). */
  readonly lookback?: (p: Readonly<Record<string, number>>) => number
}

const HLC: ReadonlyArray<ColName> = ["high", "low", "close"]
const HLCV: ReadonlyArray<ColName> = ["high", "low", "close", "volume"]
const c1 = (id: number, params: ReadonlyArray<string> = ["period"]): KernelSpec => ({
  id,
  inputs: ["close"],
  tmps: 0,
  params,
})
const dmi = (slot: number): KernelSpec => ({
  id: 16,
  inputs: HLC,
  tmps: 0,
  params: ["period"],
  slots: [slot],
  lookback: (p) => 2 * p.period! - 1,
})

const KERNELS: Readonly<Record<string, KernelSpec>> = {
  sma: c1(1),
  ema: c1(2),
  wma: c1(3),
  dema: c1(4),
  tema: c1(5),
  kama: c1(6),
  rsi: c1(7),
  macd: c1(8, ["fastPeriod", "slowPeriod", "signalPeriod"]),
  stochRsi: { id: 9, inputs: ["close"], tmps: 2, params: ["period", "fastKPeriod", "fastDPeriod"] },
  roc: c1(10),
  mom: c1(11),
  trange: { id: 12, inputs: HLC, tmps: 0, params: [] },
  atr: { id: 13, inputs: HLC, tmps: 0, params: ["period"], slots: [0] },
  natr: { id: 13, inputs: HLC, tmps: 0, params: ["period"], slots: [1] },
  bbands: c1(14, ["period", "nbDevUp", "nbDevDn"]),
  stddev: { id: 15, inputs: ["close"], tmps: 0, params: ["period", "nbDev"] },
  adx: dmi(0),
  plusDi: dmi(1),
  minusDi: dmi(2),
  aroon: { id: 17, inputs: ["high", "low"], tmps: 0, params: ["period"] },
  sar: { id: 18, inputs: ["high", "low"], tmps: 0, params: ["acceleration", "maximum"] },
  obv: { id: 19, inputs: ["close", "volume"], tmps: 0, params: [] },
  ad: { id: 20, inputs: HLCV, tmps: 0, params: [] },
  adosc: { id: 21, inputs: HLCV, tmps: 0, params: ["fastPeriod", "slowPeriod"] },
  mfi: { id: 22, inputs: HLCV, tmps: 1, params: ["period"] },
  vwap: { id: 23, inputs: HLCV, tmps: 0, params: ["period"] },
  stoch: { id: 24, inputs: HLC, tmps: 2, params: ["fastKPeriod", "slowKPeriod", "slowDPeriod"] },
  willr: { id: 25, inputs: HLC, tmps: 0, params: ["period"] },
  cci: { id: 26, inputs: HLC, tmps: 1, params: ["period"] },
  ultosc: { id: 27, inputs: HLC, tmps: 2, params: ["period1", "period2", "period3"] },
}

/** Supported `fn` names in engine sets. */
export const ENGINE_FUNCTIONS: ReadonlyArray<string> = Object.keys(KERNELS)

const ENTRY_F64 = 16
/** f64 state slots each kernel id keeps between calls (see the kernels' "State:" notes). */
const STATE_SLOTS: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 3,
  5: 3,
  6: 2,
  7: 2,
  8: 3,
  9: 3,
  10: 0,
  11: 0,
  12: 0,
  13: 1,
  14: 2,
  15: 2,
  16: 4,
  17: 0,
  18: 4,
  19: 1,
  20: 1,
  21: 3,
  22: 2,
  23: 3,
  24: 2,
  25: 0,
  26: 0,
  27: 6,
}
/** Plan column numbers from here on address the output block (see wasm/assembly/engine.ts). */
const OUTPUT_COLUMN_BASE = 1000

export interface Plan {
  /** Flat f64 table, ENTRY_F64 per entry. */
  readonly table: Float64Array
  readonly entries: number
  /** Candle + scratch columns per series (6 + scratch). */
  readonly columns: number
  /** Output columns per series (they live in a separate output block). */
  readonly outputs: number
  /** Output key (`rsi`, `macd.signal`) → output column index. */
  readonly outputColumn: ReadonlyMap<string, number>
  readonly stateBytes: number
  readonly maxLookback: number
}

/**
 * Functions that run the same kernel on the same parameters share one plan entry (fusion): e.g.
 * `adx` + `plusDi` + `minusDi` of one period make one pass, as do `atr` + `natr`.
 */
export const compilePlan = (set: IndicatorSet): Plan => {
  const names = Object.keys(set)
  const rows: Array<Float64Array> = []
  const fused = new Map<string, Float64Array>()
  const outputColumn = new Map<string, number>()
  let next = CANDLE_COLUMNS.length
  let outputs = 0
  let stateBytes = 0
  let maxLookback = 0
  for (const name of names) {
    const cfg = set[name]!
    const spec = specOf(cfg.fn)
    const kernel = KERNELS[spec.name]
    if (!kernel)
      throw new RangeError(`engine: indicator "${name}": ${spec.name} is not available in the resident engine`)
    const p = resolveParams(spec, cfg.params)
    let params = kernel.params.map((k) => p[k]!)
    if (spec.name === "ultosc") params = [...params].sort((a, b) => a - b) // weight 4 → shortest
    const fuseKey = `${kernel.id}|${params.join(",")}`
    let row = fused.get(fuseKey)
    const slots = kernel.slots ?? spec.outputs.map((_, i) => i)
    if (!row || slots.some((sl) => row![5 + sl] !== -1)) {
      row = new Float64Array(ENTRY_F64).fill(-1)
      row[0] = kernel.id
      kernel.inputs.forEach((c, i) => (row![1 + i] = COL[c]))
      for (let i = 0; i < kernel.tmps; i++) row[8 + i] = next++
      params.forEach((v, i) => (row![10 + i] = v))
      row[13] = stateBytes
      stateBytes += (STATE_SLOTS[kernel.id] ?? 8) * 8
      row[14] = 0
      rows.push(row)
      fused.set(fuseKey, row)
    }
    spec.outputs.forEach((out, i) => {
      const key = spec.outputs.length === 1 ? name : `${name}.${out}`
      if (outputColumn.has(key)) throw new RangeError(`engine: duplicate output "${key}"`)
      outputColumn.set(key, outputs)
      row![5 + slots[i]!] = OUTPUT_COLUMN_BASE + outputs++
    })
    // The driver resumes a kernel only after its whole warm-up; the largest one gates the series.
    const lookback = Math.max(spec.lookback(p), kernel.lookback?.(p) ?? 0)
    row[14] = Math.max(row[14]!, lookback)
    maxLookback = Math.max(maxLookback, lookback)
  }
  const table = new Float64Array(Math.max(1, rows.length) * ENTRY_F64)
  rows.forEach((r, i) => table.set(r, i * ENTRY_F64))
  return {
    table,
    entries: rows.length,
    columns: next,
    outputs,
    outputColumn,
    stateBytes: Math.max(16, Math.ceil(stateBytes / 16) * 16),
    maxLookback,
  }
}

/** Every engine function with TA-Lib defaults (VWAP cumulative): the "full set" of benchmarks. */
export const FULL_SET: IndicatorSet = Object.fromEntries(ENGINE_FUNCTIONS.map((fn) => [fn, { fn }]))
