// Moving averages: SMA, EMA, WMA, DEMA, TEMA, KAMA (TA-Lib semantics, default compatibility mode).
//
// Kernel convention (all families): `(inputs…, outputs…, from, to, params…, s)`.
// - Columns are raw byte pointers to f64; an output pointer of 0 means "not wanted".
// - `from == 0` computes from scratch: NaN over the warm-up, TA-Lib seeding, then the steady loop.
// - `from > lookback` resumes the steady loop at index `from` from the loop-carried state at `s`
//   (written by the previous call); the inputs and scratch columns must still hold the bars before
//   `from` that the window needs. This one code path serves the one-off API (`from = 0, to = n`)
//   and the resident engine's incremental update (`from = n - 1, to = n`).
// - Operation order follows TA-Lib's C source, so outputs are bit-identical to TA-Lib, except
//   where a kernel says otherwise (EMA, RSI, ATR/NATR, DMI trade a few ulps for a shorter
//   loop-carried dependency chain; see each one).
import { ld, st, fillNaN, isZero, ema2 } from "./memory"

/**
 * SMA as a running sum. State: [sum of the N-1 newest inputs before `from`]. The sum advances by
 * the difference d = x[i] − x[i−N+1] two bars per f64x2 step, so the loop-carried chain is one add
 * per two bars, and the mean is a multiply by 1/N (TA-Lib adds, subtracts and divides per bar:
 * a few ulps apart).
 */
export function sma(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  let sum = 0.0
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, n - 1))
    if (to < n) return
    for (let j = 0; j < n - 1; j++) sum += ld(x, j)
    i = n - 1
  } else sum = load<f64>(s)
  const vinv = f64x2.splat(1.0 / <f64>n) // multiply, not divide: the division would be the limit
  const zero = f64x2.splat(0.0)
  let pv = f64x2.splat(sum)
  const back = <usize>(n - 1) << 3
  for (; i + 1 < to; i += 2) {
    const p = x + (<usize>i << 3)
    const xs = v128.load(p)
    const d = f64x2.sub(xs, v128.load(p - back)) // (d₀, d₁)
    const pre = f64x2.add(pv, f64x2.shuffle(zero, d, 0, 2)) // sums before bars i, i+1
    v128.store(out + (<usize>i << 3), f64x2.mul(f64x2.add(pre, xs), vinv))
    // d₀ + d₁ in both lanes, off the chain; the chain itself is this one add.
    pv = f64x2.add(pv, f64x2.add(d, f64x2.shuffle(d, d, 1, 0)))
  }
  sum = f64x2.extract_lane(pv, 1)
  for (; i < to; i++) {
    st(out, i, (sum + ld(x, i)) / <f64>n)
    sum += ld(x, i) - ld(x, i - n + 1)
  }
  store<f64>(s, sum)
}

/**
 * EMA seeded with the SMA of the first N inputs (TA-Lib). State: [ema].
 *
 * `ema = ema + k·(x − ema)` is advanced two bars per step as an f64x2 pair
 * `(e₁, e₂) = e₀·(a, a²) + (k·x₁, a·k·x₁ + k·x₂)` with a = 1 − k: the loop-carried chain is one
 * multiply and one add per two bars. Rounding differs from TA-Lib's form by a few ulps
 * (contractive, no accumulation).
 */
export function ema(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  const k = 2.0 / (<f64>n + 1.0)
  let e = 0.0
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, n - 1))
    if (to < n) return
    let sum = 0.0
    for (let j = 0; j < n; j++) sum += ld(x, j)
    e = sum / <f64>n
    st(out, n - 1, e)
    i = n
  } else e = load<f64>(s)
  e = emaRun(x, out, i, to, k, e)
  store<f64>(s, e)
}

/**
 * Steady-state EMA over [from, to) starting from `e`; returns the last value. Four bars per step:
 * (e₁, e₂) = e₀·(a, a²) + C₁₂ and (e₃, e₄) = e₀·(a³, a⁴) + C₃₄, where the C terms only involve
 * inputs, so the loop-carried chain is one f64x2 multiply and add per four bars.
 */
export function emaRun(x: usize, out: usize, from: i32, to: i32, k: f64, e: f64): f64 {
  const a = 1.0 - k
  const a2 = a * a
  const va12 = f64x2(a, a2)
  const va34 = f64x2(a2 * a, a2 * a2)
  const vk = f64x2.splat(k)
  const v0a = f64x2(0.0, a)
  let i = from
  let ev = f64x2.splat(e)
  for (; i + 3 < to; i += 4) {
    const p = x + (<usize>i << 3)
    const k12 = f64x2.mul(v128.load(p), vk)
    const k34 = f64x2.mul(v128.load(p, 16), vk)
    const c12 = f64x2.add(k12, f64x2.mul(f64x2.shuffle(k12, k12, 0, 0), v0a)) // (k·x₁, a·k·x₁ + k·x₂)
    const c34 = f64x2.add(
      f64x2.add(k34, f64x2.mul(f64x2.shuffle(k34, k34, 0, 0), v0a)),
      f64x2.mul(f64x2.shuffle(c12, c12, 1, 1), va12),
    )
    const e0 = f64x2.shuffle(ev, ev, 1, 1)
    const q = out + (<usize>i << 3)
    v128.store(q, f64x2.add(f64x2.mul(e0, va12), c12))
    ev = f64x2.add(f64x2.mul(e0, va34), c34)
    v128.store(q, ev, 16)
  }
  e = f64x2.extract_lane(ev, 1)
  for (; i < to; i++) {
    e = (ld(x, i) - e) * k + e
    st(out, i, e)
  }
  return e
}

/** WMA, weights 1..N. State: [periodSum, periodSub]. */
export function wma(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  const divider = <f64>((n * (n + 1)) >> 1)
  const fn = <f64>n
  let sum = 0.0
  let sub = 0.0
  let i = from
  let trailing = 0.0
  if (from == 0) {
    fillNaN(out, 0, min(to, n - 1))
    if (to < n) return
    for (let j = 0; j < n - 1; j++) {
      const t = ld(x, j)
      sub += t
      sum += t * <f64>(j + 1)
    }
    i = n - 1
  } else {
    sum = load<f64>(s)
    sub = load<f64>(s + 8)
    trailing = ld(x, from - n)
  }
  for (; i < to; i++) {
    const t = ld(x, i)
    sub += t
    sub -= trailing
    sum += t * fn
    trailing = ld(x, i - n + 1)
    st(out, i, sum / divider)
    sum -= sub
  }
  store<f64>(s, sum)
  store<f64>(s + 8, sub)
}

/**
 * DEMA (layers = 2) and TEMA (layers = 3): chained EMAs, each seeded with the SMA of its first N
 * inputs (TA-Lib's warm-up, exact); the steady state runs two bars per f64x2 step. State: [e1, e2, e3].
 */
function chainedEma(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize, layers: i32): void {
  const k = 2.0 / (<f64>n + 1.0)
  const fn = <f64>n
  const lb = layers * (n - 1)
  let e1 = 0.0, e2 = 0.0, e3 = 0.0
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, lb))
    if (to <= lb) return
    // Warm-up: each layer starts once the layer below has produced N values.
    let sum1 = 0.0, sum2 = 0.0, sum3 = 0.0
    for (let j = 0; j <= lb; j++) {
      const v = ld(x, j)
      if (j < n - 1) { sum1 += v; continue }
      if (j == n - 1) { sum1 += v; e1 = sum1 / fn } else e1 = (v - e1) * k + e1
      if (j < 2 * n - 2) { sum2 += e1; continue }
      if (j == 2 * n - 2) { sum2 += e1; e2 = sum2 / fn } else e2 = (e1 - e2) * k + e2
      if (layers == 2) continue
      if (j < 3 * n - 3) { sum3 += e2; continue }
      if (j == 3 * n - 3) { sum3 += e2; e3 = sum3 / fn } else e3 = (e2 - e3) * k + e3
    }
    st(out, lb, layers == 2 ? 2.0 * e1 - e2 : e3 + (3.0 * e1 - 3.0 * e2))
    i = lb + 1
  } else {
    e1 = load<f64>(s)
    e2 = load<f64>(s + 8)
    e3 = load<f64>(s + 16)
  }
  // Steady state two bars per step (ema2 on each layer), then the per-bar tail.
  const a = 1.0 - k
  const vk = f64x2.splat(k)
  const va = f64x2(a, a * a)
  const v0a = f64x2(0.0, a)
  let v1 = f64x2.splat(e1), v2 = f64x2.splat(e2), v3 = f64x2.splat(e3)
  if (layers == 2) {
    const two = f64x2.splat(2.0)
    for (; i + 1 < to; i += 2) {
      v1 = ema2(v128.load(x + (<usize>i << 3)), v1, vk, va, v0a)
      v2 = ema2(v1, v2, vk, va, v0a)
      v128.store(out + (<usize>i << 3), f64x2.sub(f64x2.mul(two, v1), v2))
    }
  } else {
    const three = f64x2.splat(3.0)
    for (; i + 1 < to; i += 2) {
      v1 = ema2(v128.load(x + (<usize>i << 3)), v1, vk, va, v0a)
      v2 = ema2(v1, v2, vk, va, v0a)
      v3 = ema2(v2, v3, vk, va, v0a)
      v128.store(out + (<usize>i << 3), f64x2.add(v3, f64x2.sub(f64x2.mul(three, v1), f64x2.mul(three, v2))))
    }
  }
  e1 = f64x2.extract_lane(v1, 1)
  e2 = f64x2.extract_lane(v2, 1)
  e3 = f64x2.extract_lane(v3, 1)
  if (layers == 2) {
    for (; i < to; i++) {
      e1 = (ld(x, i) - e1) * k + e1
      e2 = (e1 - e2) * k + e2
      st(out, i, 2.0 * e1 - e2)
    }
  } else {
    for (; i < to; i++) {
      e1 = (ld(x, i) - e1) * k + e1
      e2 = (e1 - e2) * k + e2
      e3 = (e2 - e3) * k + e3
      st(out, i, e3 + (3.0 * e1 - 3.0 * e2))
    }
  }
  store<f64>(s, e1)
  store<f64>(s + 8, e2)
  store<f64>(s + 16, e3)
}

export function dema(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  chainedEma(x, out, from, to, n, s, 2)
}

export function tema(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  chainedEma(x, out, from, to, n, s, 3)
}

/** KAMA with TA-Lib's fixed fast = 2/3, slow = 2/31 constants. State: [sumROC1, kama]. */
export function kama(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  const constMax = 2.0 / (30.0 + 1.0)
  const constDiff = 2.0 / (2.0 + 1.0) - constMax
  let sumRoc = 0.0
  let prev = 0.0
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, n))
    if (to <= n) return
    for (let j = 0; j < n; j++) sumRoc += Math.abs(ld(x, j) - ld(x, j + 1))
    prev = ld(x, n - 1)
    const roc = ld(x, n) - ld(x, 0)
    let er = sumRoc <= roc || isZero(sumRoc) ? 1.0 : Math.abs(roc / sumRoc)
    er = er * constDiff + constMax
    er *= er
    prev = (ld(x, n) - prev) * er + prev
    st(out, n, prev)
    i = n + 1
  } else {
    sumRoc = load<f64>(s)
    prev = load<f64>(s + 8)
  }
  let trailing = ld(x, i - n - 1)
  for (; i < to; i++) {
    const v = ld(x, i)
    const t2 = ld(x, i - n)
    const roc = v - t2
    sumRoc -= Math.abs(trailing - t2)
    sumRoc += Math.abs(v - ld(x, i - 1))
    trailing = t2
    // Branch-free `sumRoc <= roc || ~0 ? 1 : |roc/sumRoc|` (the || would be a coin-flip branch).
    let er = select<f64>(1.0, Math.abs(roc / sumRoc), <bool>(<i32>(sumRoc <= roc) | <i32>isZero(sumRoc)))
    er = er * constDiff + constMax
    er *= er
    prev = (v - prev) * er + prev
    st(out, i, prev)
  }
  store<f64>(s, sumRoc)
  store<f64>(s + 8, prev)
}

