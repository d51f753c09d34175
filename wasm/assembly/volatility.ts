// Volatility: TRANGE, ATR/NATR (one fused kernel), BBANDS, STDDEV (kernel convention: see averages.ts).
import { ld, st, stOpt, fillNaN, isZero, fmax } from "./memory"

/** True range of bar i (needs bar i-1): max(H-L, |H-Cprev|, |L-Cprev|). */
@inline export function trueRange(h: usize, l: usize, c: usize, i: i32): f64 {
  const hi = ld(h, i)
  const lo = ld(l, i)
  const yc = ld(c, i - 1)
  return fmax(fmax(hi - lo, Math.abs(yc - hi)), Math.abs(yc - lo))
}

export function trange(h: usize, l: usize, c: usize, out: usize, from: i32, to: i32): void {
  let i = from
  if (from == 0) { fillNaN(out, 0, min(to, 1)); i = 1 }
  for (; i < to; i++) st(out, i, trueRange(h, l, c, i))
}

/**
 * ATR (Wilder; first value = mean of TR[1..N]) into `outAtr`, NATR = (ATR/close)·100 (0 if the
 * close is ~0) into `outNatr`, TRANGE into `outTr`; any of them may be 0. State: [atr].
 */
export function atr(
  h: usize, l: usize, c: usize, outAtr: usize, outNatr: usize, outTr: usize, from: i32, to: i32, n: i32, s: usize,
): void {
  const fn = <f64>n
  const fm = <f64>(n - 1)
  let a = 0.0
  let i = from
  if (from == 0) {
    const w = min(to, n)
    fillNaN(outAtr, 0, w)
    fillNaN(outNatr, 0, w)
    fillNaN(outTr, 0, min(to, 1))
    if (to <= n) { for (let j = 1; j < to; j++) stOpt(outTr, j, trueRange(h, l, c, j)); return }
    let sum = 0.0
    for (let j = 1; j <= n; j++) {
      const tr = trueRange(h, l, c, j)
      stOpt(outTr, j, tr)
      sum += tr
    }
    a = sum / fn
    stOpt(outAtr, n, a)
    const cl = ld(c, n)
    stOpt(outNatr, n, isZero(cl) ? 0.0 : (a / cl) * 100.0)
    i = n + 1
  } else a = load<f64>(s)
  // Wilder smoothing as a·(N−1)/N + tr/N, advanced two bars per f64x2 step (as in EMA): the
  // loop-carried chain is one multiply and one add per two bars. A few ulps from TA-Lib's
  // (a·(N−1) + tr)/N.
  const ca = fm / fn
  const cb = 1.0 / fn
  const vca = f64x2(ca, ca * ca)
  const vcb = f64x2.splat(cb)
  const v0a = f64x2(0.0, ca)
  const hundred = f64x2.splat(100.0)
  const zero = f64x2.splat(0.0)
  const eps = f64x2.splat(1e-14)
  let av = f64x2.splat(a)
  for (; i + 1 < to; i += 2) {
    const off = <usize>i << 3
    const hi = v128.load(h + off)
    const lo = v128.load(l + off)
    const yc = v128.load(c + off - 8)
    const tr = f64x2.pmax(f64x2.pmax(f64x2.sub(hi, lo), f64x2.abs(f64x2.sub(yc, hi))), f64x2.abs(f64x2.sub(yc, lo)))
    const t = f64x2.mul(tr, vcb)
    const cc = f64x2.add(t, f64x2.mul(f64x2.shuffle(t, t, 0, 0), v0a))
    av = f64x2.add(f64x2.mul(f64x2.shuffle(av, av, 1, 1), vca), cc)
    if (outTr != 0) v128.store(outTr + off, tr)
    if (outAtr != 0) v128.store(outAtr + off, av)
    if (outNatr != 0) {
      const cl = v128.load(c + off)
      const nv = f64x2.mul(f64x2.div(av, cl), hundred)
      v128.store(outNatr + off, v128.bitselect(zero, nv, f64x2.lt(f64x2.abs(cl), eps)))
    }
  }
  a = f64x2.extract_lane(av, 1)
  if (i < to) {
    const tr = trueRange(h, l, c, i)
    a = a * ca + tr * cb
    stOpt(outTr, i, tr)
    stOpt(outAtr, i, a)
    const cl = ld(c, i)
    stOpt(outNatr, i, isZero(cl) ? 0.0 : (a / cl) * 100.0)
  }
  store<f64>(s, a)
}

/** (Σx, Σx²) over x[0, count): the running sums' seed of `bbands` and `stddev`. */
@inline function sumAndSquares(x: usize, count: i32): v128 {
  let acc = f64x2.splat(0.0)
  for (let j = 0; j < count; j++) {
    const v = ld(x, j)
    acc = f64x2.add(acc, f64x2(v, v * v))
  }
  return acc
}

/**
 * BBANDS (SMA middle, population deviation from running sums of x and x²) and STDDEV share one
 * pass: the two running sums ride in one f64x2 lane. `outSd` gets sqrt(var)·nbDev (STDDEV's
 * variance formula: E[x²] − E[x]²). State: [sum, sumSq].
 */
export function bbands(
  x: usize, outU: usize, outM: usize, outL: usize, from: i32, to: i32, n: i32, up: f64, dn: f64, s: usize,
): void {
  const vn = f64x2.splat(<f64>n)
  // (Σx, Σx²) in one lane pair; per-lane IEEE ops keep TA-Lib's results bit for bit.
  let acc = f64x2.splat(0.0)
  let i = from
  if (from == 0) {
    const w = min(to, n - 1)
    fillNaN(outU, 0, w)
    fillNaN(outM, 0, w)
    fillNaN(outL, 0, w)
    if (to < n) return
    acc = sumAndSquares(x, n - 1)
    i = n - 1
  } else acc = v128.load(s)
  for (; i < to; i++) {
    const v = ld(x, i)
    acc = f64x2.add(acc, f64x2(v, v * v))
    const means = f64x2.div(acc, vn) // (mid, E[x²])
    const t = ld(x, i - n + 1)
    acc = f64x2.sub(acc, f64x2(t, t * t))
    const mid = f64x2.extract_lane(means, 0)
    const var2 = f64x2.extract_lane(means, 1) - mid * mid
    const sd = var2 < 1e-14 ? 0.0 : Math.sqrt(var2)
    stOpt(outM, i, mid)
    stOpt(outU, i, mid + sd * up)
    stOpt(outL, i, mid - sd * dn)
  }
  v128.store(s, acc)
}

/** STDDEV (population, TA-Lib's running-sum variance) × nbDev. State: [sum, sumSq]. */
export function stddev(x: usize, out: usize, from: i32, to: i32, n: i32, nbDev: f64, s: usize): void {
  const vn = f64x2.splat(<f64>n)
  let acc = f64x2.splat(0.0)
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, n - 1))
    if (to < n) return
    acc = sumAndSquares(x, n - 1)
    i = n - 1
  } else acc = v128.load(s)
  for (; i < to; i++) {
    const v = ld(x, i)
    acc = f64x2.add(acc, f64x2(v, v * v))
    const m = f64x2.div(acc, vn)
    const t = ld(x, i - n + 1)
    acc = f64x2.sub(acc, f64x2(t, t * t))
    const m1 = f64x2.extract_lane(m, 0)
    const var2 = f64x2.extract_lane(m, 1) - m1 * m1
    st(out, i, var2 < 1e-14 ? 0.0 : Math.sqrt(var2) * nbDev)
  }
  v128.store(s, acc)
}
