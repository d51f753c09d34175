/**
 * @module Types of the raw kernel exports. Pointers are byte offsets into linear memory; `from`/`to`
 * select the output range and `s` points at the kernel's loop-carried state (see
 * wasm/assembly/averages.ts for the convention). An output pointer of 0 means "not wanted".
 */
type P = number

export interface KernelExports {
  readonly memory: WebAssembly.Memory
  heapBase(): number
  moveF64(p: P, dst: number, src: number, count: number): void
  sma(x: P, out: P, from: number, to: number, n: number, s: P): void
  ema(x: P, out: P, from: number, to: number, n: number, s: P): void
  wma(x: P, out: P, from: number, to: number, n: number, s: P): void
  dema(x: P, out: P, from: number, to: number, n: number, s: P): void
  tema(x: P, out: P, from: number, to: number, n: number, s: P): void
  kama(x: P, out: P, from: number, to: number, n: number, s: P): void
  rsi(x: P, out: P, from: number, to: number, n: number, s: P): void
  macd(x: P, m: P, sig: P, hist: P, from: number, to: number, fast: number, slow: number, signal: number, s: P): void
  stochRsi(x: P, k: P, d: P, rsiTmp: P, kTmp: P, from: number, to: number, n: number, kP: number, dP: number, s: P): void
  roc(x: P, out: P, from: number, to: number, n: number): void
  mom(x: P, out: P, from: number, to: number, n: number): void
  weightedMean(values: P, weights: P, n: number): number
  weightedRows(matrix: P, rows: number, cols: number, weights: P, out: P): void
  engineCompute(headers: P, nSlots: number, plan: P, nPlan: number, cap: number, stateBytes: number, maxLookback: number): number
}
