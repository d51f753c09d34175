// Raw-pointer helpers shared by every kernel family. Kernels never allocate: the host (core/wasm)
// owns the arena above `__heap_base` and passes byte pointers to f64 columns. No managed objects
// are created anywhere, so the stub runtime never runs and cannot leak.

/** First free byte after static data; the host's allocator starts here. */
export function heapBase(): usize {
  return __heap_base
}

/** Reads element `i` of the f64 column at `p`. */
@inline export function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3))
}

/** Writes element `i` of the f64 column at `p`. */
@inline export function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v)
}

/** Writes `v` only when the column exists (pointer 0 = output not wanted by the caller). */
@inline export function stOpt(p: usize, i: i32, v: f64): void {
  if (p != 0) store<f64>(p + (<usize>i << 3), v)
}

/** NaN over `[from, to)`; no-op for a missing column. */
export function fillNaN(p: usize, from: i32, to: i32): void {
  if (p == 0) return
  for (let i = from; i < to; i++) st(p, i, NaN)
}

/** TA-Lib's TA_IS_ZERO: |v| < 1e-14. */
@inline export function isZero(v: f64): bool {
  return v > -1e-14 && v < 1e-14
}

/** Moves `count` f64s from element `src` to element `dst` of the column at `p` (compaction). */
export function moveF64(p: usize, dst: i32, src: i32, count: i32): void {
  memory.copy(p + (<usize>dst << 3), p + (<usize>src << 3), <usize>count << 3)
}

// Branch-free helpers. On random-walk prices the comparisons in indicator loops are coin flips;
// JSC lowers f64 `select` and i32→f64 masks without branches, but `Math.max`/`Math.min` (wasm
// f64.max/min, with NaN/±0 rules) and short-circuit `&&` cost mispredictions. Inputs are finite.

/** max(a, b) for finite inputs. */
@inline export function fmax(a: f64, b: f64): f64 {
  return select<f64>(a, b, a > b)
}

/** min(a, b) for finite inputs. */
@inline export function fmin(a: f64, b: f64): f64 {
  return select<f64>(a, b, a < b)
}

/** 1.0 if `c` else 0.0, without a branch. */
@inline export function mask(c: bool): f64 {
  return <f64><i32>c
}

/**
 * One two-bar EMA step on f64x2 lanes (bars i, i+1): from `ev` (lane 1 = the EMA before bar i)
 * and inputs `xs`, returns (e_i, e_i+1) = e·(a, a²) + (k·x_i, a·k·x_i + k·x_i+1), with
 * vk = (k, k), va = (a, a²), v0a = (0, a), a = 1 − k. The loop-carried part is one multiply and
 * one add per two bars; rounding differs from TA-Lib's per-bar form by a few ulps.
 */
@inline export function ema2(xs: v128, ev: v128, vk: v128, va: v128, v0a: v128): v128 {
  const kx = f64x2.mul(xs, vk)
  const c = f64x2.add(kx, f64x2.mul(f64x2.shuffle(kx, kx, 0, 0), v0a))
  return f64x2.add(f64x2.mul(f64x2.shuffle(ev, ev, 1, 1), va), c)
}
