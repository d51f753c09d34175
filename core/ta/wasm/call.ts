/**
 * @module The one-off calling bridge: validates through the catalogue, places inputs in WASM
 * memory (a resident view is passed by pointer, anything else is copied once into scratch), runs
 * one kernel over `[0, n)` and copies the outputs out into fresh Float64Arrays.
 */
import { checkInputs, resolveParams, specOf } from "../catalog.ts"
import { getKernels, type KernelExports, type WasmKernels } from "../../wasm/index.ts"

export interface Call {
  readonly k: KernelExports
  readonly n: number
  readonly p: Readonly<Record<string, number>>
  /** Byte pointers of the inputs, outputs and scratch columns (n f64 each). */
  readonly ins: ReadonlyArray<number>
  readonly outs: ReadonlyArray<number>
  readonly tmps: ReadonlyArray<number>
  /** Loop-carried state block for the kernel. */
  readonly s: number
}

const toPointers = (K: WasmKernels, inputs: ReadonlyArray<Float64Array>, n: number, extra: number): { ins: Array<number>; free: number } => {
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

/** Runs kernel `body` for catalogue function `name`; returns its `nOut` outputs. */
export const run = (
  name: string,
  inputs: ReadonlyArray<Float64Array>,
  options: object | undefined,
  nOut: number,
  nTmp: number,
  body: (c: Call) => void,
): Array<Float64Array> => {
  const spec = specOf(name)
  const p = resolveParams(spec, options as Record<string, number | undefined> | undefined)
  const n = checkInputs(spec, inputs)
  const K = getKernels()
  const { ins, free } = toPointers(K, inputs, n, nOut + nTmp)
  const outs: Array<number> = []
  const tmps: Array<number> = []
  let ptr = free
  for (let i = 0; i < nOut; i++, ptr += n * 8) outs.push(ptr)
  for (let i = 0; i < nTmp; i++, ptr += n * 8) tmps.push(ptr)
  body({ k: K.exports, n, p, ins, outs, tmps, s: K.statePtr })
  const heap = K.f64()
  if (mode === "last") return outs.map((o) => Float64Array.of(n > 0 ? heap[(o >> 3) + n - 1]! : NaN))
  return outs.map((o) => heap.slice(o >> 3, (o >> 3) + n))
}

/** Places plain arrays for a non-catalogue call (confluence helpers); returns their pointers. */
export const place = (inputs: ReadonlyArray<Float64Array>, n: number, extraColumns: number): { K: WasmKernels; ins: ReadonlyArray<number>; free: number } => {
  const K = getKernels()
  return { K, ...toPointers(K, inputs, n, extraColumns) }
}
