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
  stochRsi(
    x: P,
    k: P,
    d: P,
    rsiTmp: P,
    kTmp: P,
    from: number,
    to: number,
    n: number,
    kP: number,
    dP: number,
    s: P,
  ): void
  roc(x: P, out: P, from: number, to: number, n: number): void
  mom(x: P, out: P, from: number, to: number, n: number): void
  stoch(
    h: P,
    l: P,
    c: P,
    k: P,
    d: P,
    rawTmp: P,
    kTmp: P,
    from: number,
    to: number,
    fastK: number,
    slowK: number,
    slowD: number,
    s: P,
  ): void
  willr(h: P, l: P, c: P, out: P, from: number, to: number, n: number): void
  cci(h: P, l: P, c: P, out: P, tp: P, from: number, to: number, n: number): void
  ultosc(
    h: P,
    l: P,
    c: P,
    out: P,
    bpTmp: P,
    trTmp: P,
    from: number,
    to: number,
    p1: number,
    p2: number,
    p3: number,
    s: P,
  ): void
  trange(h: P, l: P, c: P, out: P, from: number, to: number): void
  atr(h: P, l: P, c: P, atr: P, natr: P, tr: P, from: number, to: number, n: number, s: P): void
  bbands(x: P, upper: P, middle: P, lower: P, from: number, to: number, n: number, up: number, dn: number, s: P): void
  stddev(x: P, out: P, from: number, to: number, n: number, nbDev: number, s: P): void
  dmi(h: P, l: P, c: P, adx: P, plus: P, minus: P, from: number, to: number, n: number, s: P): void
  aroon(h: P, l: P, down: P, up: P, from: number, to: number, n: number): void
  sar(h: P, l: P, out: P, from: number, to: number, acceleration: number, maximum: number, s: P): void
  obv(c: P, v: P, out: P, from: number, to: number, s: P): void
  ad(h: P, l: P, c: P, v: P, out: P, from: number, to: number, s: P): void
  adosc(h: P, l: P, c: P, v: P, out: P, from: number, to: number, fast: number, slow: number, s: P): void
  mfi(h: P, l: P, c: P, v: P, out: P, tp: P, from: number, to: number, n: number, s: P): void
  vwap(h: P, l: P, c: P, v: P, out: P, from: number, to: number, n: number, s: P): void
  weightedMean(values: P, weights: P, n: number): number
  weightedRows(matrix: P, rows: number, cols: number, weights: P, out: P): void
  engineCompute(
    headers: P,
    nSlots: number,
    plan: P,
    nPlan: number,
    /** f64 per column (the window's capacity plus its slack). */
    colLen: number,
    stateBytes: number,
    maxLookback: number,
    nOut: number,
    nCols: number,
    scratchOut: P,
    scratchOut2: P,
  ): number
  engineFlush(header: P, colLen: number, nOut: number): void
  enginePendingRows(): number
}
