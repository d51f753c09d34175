/**
 * @module The one-off calling bridge: validates through the catalogue, places inputs in WASM
 * memory (a resident view is passed by pointer, anything else is copied once into scratch), runs
 * one kernel over `[0, n)` (long inputs chunk-wise, see CHUNK) and copies the outputs out into
 * fresh Float64Arrays.
 */
import { checkInputs, resolveParams, specOf, type FunctionSpec } from "../catalog.ts"
import { getKernels, type KernelExports, type WasmKernels } from "../../wasm/index.ts"

export interface Call {
  readonly k: KernelExports
  /** Total input length. */
  readonly n: number
  /** The range the kernel must compute now, in the local indices of the pointers below. */
  readonly from: number
  readonly to: number
  readonly p: Readonly<Record<string, number>>
  /** Byte pointers of the inputs, outputs and scratch columns. */
  readonly ins: ReadonlyArray<number>
  readonly outs: ReadonlyArray<number>
  readonly tmps: ReadonlyArray<number>
  /** Loop-carried state block for the kernel. */
  readonly s: number
}

/**
 * Long inputs are processed in chunks of this many bars: the copied-in inputs, outputs and scratch
 * columns of a chunk stay in L2 (9 columns × 64 KiB), so the copies in and out cost cache, not
 * DRAM, traffic. Between chunks the last `lookback + 2` bars of every input and scratch column
 * move to the front and the kernels resume from their state — the resident engine's scheme.
 */
const CHUNK = 8192

const toPointers = (
  K: WasmKernels,
  inputs: ReadonlyArray<Float64Array>,
  n: number,
  extra: number,
): { ins: Array<number>; free: number } => {
  // Take resident pointers first: `scratch` may grow memory, which detaches the caller's views
  // (their pointers stay valid).
  const ins: Array<number> = []
  let copies = 0
  for (const a of inputs) {
    if (K.isResident(a)) ins.push(a.byteOffset)
    else {
      ins.push(-1)
      copies++
    }
  }
  let ptr = K.scratch((copies + extra) * n * 8)
  const heap = K.f64()
  for (let i = 0; i < inputs.length; i++) {
    if (ins[i] !== -1) continue
    heap.set(inputs[i]!, ptr >> 3)
    ins[i] = ptr
    ptr += n * 8
  }
  return { ins, free: ptr }
}

/**
 * Output mode: "full" copies every output out; "last" (set by `lastOf`) returns only each
 * output's final value, as a 1-element array — no output copy, no allocation of n doubles.
 */
let mode: "full" | "last" = "full"

/** Runs `fn` in "last" mode: each output comes back as a 1-element array of its final value. */
export const inLastMode = <R>(fn: () => R): R => {
  mode = "last"
  try {
    return fn()
  } finally {
    mode = "full"
  }
}

// Catalogue lookups and default parameters per function, resolved once (immutable data).
const entries = new Map<string, { spec: FunctionSpec; defaults: Readonly<Record<string, number>> }>()
const entryOf = (name: string) => {
  let e = entries.get(name)
  if (!e) {
    const spec = specOf(name)
    e = { spec, defaults: Object.freeze(resolveParams(spec, undefined)) }
    entries.set(name, e)
  }
  return e
}

/** Runs kernel `body` for catalogue function `name`; returns its `nOut` outputs. */
export const run = (
  name: string,
  inputs: ReadonlyArray<Float64Array>,
  options: object | undefined,
  nOut: number,
  nTmp: number,
  body: (c: Call) => void,
): Array<Float64Array> => {
  const entry = entryOf(name)
  const spec = entry.spec
  const p = options === undefined ? entry.defaults : resolveParams(spec, options as Record<string, number | undefined>)
  const n = checkInputs(spec, inputs)
  const K = getKernels()
  const keep = spec.lookback(p) + 2
  if (n > 2 * CHUNK && keep <= CHUNK / 4)
    return runChunked(K, spec.name === "cci" ? p.period! : 1, keep, inputs, n, p, nOut, nTmp, body)
  const { ins, free } = toPointers(K, inputs, n, nOut + nTmp)
  const outs: Array<number> = []
  const tmps: Array<number> = []
  let ptr = free
  for (let i = 0; i < nOut; i++, ptr += n * 8) outs.push(ptr)
  for (let i = 0; i < nTmp; i++, ptr += n * 8) tmps.push(ptr)
  body({ k: K.exports, n, from: 0, to: n, p, ins, outs, tmps, s: K.statePtr })
  const heap = K.f64()
  if (mode === "last") return outs.map((o) => Float64Array.of(n > 0 ? heap[(o >> 3) + n - 1]! : NaN))
  return outs.map((o) => heap.slice(o >> 3, (o >> 3) + n))
}

/**
 * Chunked run (see CHUNK). `phase`: shifts keep bar indices congruent modulo it (CCI sums in
 * TA-Lib's circular-buffer order, which depends on the bar index modulo its period).
 */
const runChunked = (
  K: WasmKernels,
  phase: number,
  keep: number,
  inputs: ReadonlyArray<Float64Array>,
  n: number,
  p: Readonly<Record<string, number>>,
  nOut: number,
  nTmp: number,
  body: (c: Call) => void,
): Array<Float64Array> => {
  const C = CHUNK
  const resident = inputs.map((a) => (K.isResident(a) ? a.byteOffset : -1))
  const copies = resident.filter((r) => r < 0).length
  let ptr = K.scratch((copies + nOut + nTmp) * C * 8)
  const cols = resident.map((r) => (r >= 0 ? -1 : (ptr += C * 8) - C * 8))
  const outs = Array.from({ length: nOut }, () => (ptr += C * 8) - C * 8)
  const tmps = Array.from({ length: nTmp }, () => (ptr += C * 8) - C * 8)
  const moving = [...cols.filter((q) => q >= 0), ...tmps]
  const results = mode === "last" ? [] : outs.map(() => new Float64Array(n))
  let g0 = 0 // input index of local bar 0
  let done = 0
  let last = 0
  while (done < n) {
    let from = 0
    if (done > 0) {
      let shift = done - keep - g0
      shift -= shift % phase
      const len = done - g0 - shift
      const heap = K.f64()
      for (const q of moving) heap.copyWithin(q >> 3, (q >> 3) + shift, (q >> 3) + shift + len)
      g0 += shift
      from = done - g0
    }
    const take = Math.min(C - from, n - done)
    const heap = K.f64()
    inputs.forEach((a, i) => {
      if (cols[i]! >= 0) heap.set(a.subarray(done, done + take), (cols[i]! >> 3) + from)
    })
    const ins = inputs.map((_, i) => (resident[i]! >= 0 ? resident[i]! + g0 * 8 : cols[i]!))
    body({ k: K.exports, n, from, to: from + take, p, ins, outs, tmps, s: K.statePtr })
    if (mode !== "last") {
      const h = K.f64()
      outs.forEach((o, i) => results[i]!.set(h.subarray((o >> 3) + from, (o >> 3) + from + take), done))
    }
    last = from + take - 1
    done += take
  }
  if (mode === "last") {
    const h = K.f64()
    return outs.map((o) => Float64Array.of(h[(o >> 3) + last]!))
  }
  return results
}

/** Places plain arrays for a non-catalogue call (confluence helpers); returns their pointers. */
export const place = (
  inputs: ReadonlyArray<Float64Array>,
  n: number,
  extraColumns: number,
): { K: WasmKernels; ins: ReadonlyArray<number>; free: number } => {
  const K = getKernels()
  return { K, ...toPointers(K, inputs, n, extraColumns) }
}
