// Volume: OBV, AD, ADOSC, MFI, VWAP (kernel convention: see averages.ts).
import { ld, st, fillNaN, mask } from "./memory"

/** OBV starting at volume[0]. State: [obv]. */
export function obv(c: usize, v: usize, out: usize, from: i32, to: i32, s: usize): void {
  let o = 0.0
  let i = from
  if (from == 0) {
    if (to < 1) return
    o = ld(v, 0)
    st(out, 0, o)
    i = 1
  } else o = load<f64>(s)
  let prev = ld(c, i - 1)
  for (; i < to; i++) {
    const x = ld(c, i)
    const vol = ld(v, i)
    // Branch-free: vol·(+1 | −1 | 0) adds exactly what TA-Lib's if/else adds.
    o += vol * (mask(x > prev) - mask(x < prev))
    st(out, i, o)
    prev = x
  }
  store<f64>(s, o)
}

@inline function clvVolume(h: usize, l: usize, c: usize, v: usize, i: i32): f64 {
  const hi = ld(h, i)
  const lo = ld(l, i)
  const range = hi - lo
  const cl = ld(c, i)
  return range > 0.0 ? (((cl - lo) - (hi - cl)) / range) * ld(v, i) : 0.0
}

/** Chaikin A/D line, cumulative from bar 0 (a bar with H == L adds nothing). State: [ad]. */
export function ad(h: usize, l: usize, c: usize, v: usize, out: usize, from: i32, to: i32, s: usize): void {
  let a = from == 0 ? 0.0 : load<f64>(s)
  for (let i = from; i < to; i++) {
    a += clvVolume(h, l, c, v, i)
    st(out, i, a)
  }
  store<f64>(s, a)
}

/** ADOSC = EMA_fast(AD) − EMA_slow(AD), both seeded with AD[0]. State: [ad, fast, slow]. */
export function adosc(
  h: usize, l: usize, c: usize, v: usize, out: usize, from: i32, to: i32, fastP: i32, slowP: i32, s: usize,
): void {
  const lb = max(fastP, slowP) - 1
  const fk = 2.0 / (<f64>fastP + 1.0)
  const fk1 = 1.0 - fk
  const sk = 2.0 / (<f64>slowP + 1.0)
  const sk1 = 1.0 - sk
  let a = 0.0, fe = 0.0, se = 0.0
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, lb))
    if (to < 1) return
    a = clvVolume(h, l, c, v, 0)
    fe = a
    se = a
    if (lb == 0) st(out, 0, 0.0)
    i = 1
  } else {
    a = load<f64>(s)
    fe = load<f64>(s + 8)
    se = load<f64>(s + 16)
  }
  for (; i < to; i++) {
    a += clvVolume(h, l, c, v, i)
    fe = fk * a + fk1 * fe
    se = sk * a + sk1 * se
    if (i >= lb) st(out, i, fe - se)
  }
  store<f64>(s, a)
  store<f64>(s + 8, fe)
  store<f64>(s + 16, se)
}

/** Signed money flow of bar i (needs bar i-1's typical price in `tp`): +flow, −flow or neither. */
@inline function flowPos(tp: usize, v: usize, i: i32): f64 {
  const t = ld(tp, i)
  return t * ld(v, i) * mask(t > ld(tp, i - 1))
}
@inline function flowNeg(tp: usize, v: usize, i: i32): f64 {
  const t = ld(tp, i)
  return t * ld(v, i) * mask(t < ld(tp, i - 1))
}

/**
 * MFI over n bars (typical prices go to scratch column `tp`); 0 when the total flow is < 1.
 * State: [posSum, negSum].
 */
export function mfi(
  h: usize, l: usize, c: usize, v: usize, out: usize, tp: usize, from: i32, to: i32, n: i32, s: usize,
): void {
  // Earlier typical prices stay in the scratch column between calls (the engine slides it).
  for (let j = from; j < to; j++) st(tp, j, (ld(h, j) + ld(l, j) + ld(c, j)) / 3.0)
  let pos = 0.0, neg = 0.0
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, n))
    if (to <= n) return
    for (let j = 1; j <= n; j++) {
      pos += flowPos(tp, v, j)
      neg += flowNeg(tp, v, j)
    }
    const t = pos + neg
    st(out, n, t < 1.0 ? 0.0 : 100.0 * (pos / t))
    i = n + 1
  } else {
    pos = load<f64>(s)
    neg = load<f64>(s + 8)
  }
  for (; i < to; i++) {
    pos -= flowPos(tp, v, i - n)
    neg -= flowNeg(tp, v, i - n)
    pos += flowPos(tp, v, i)
    neg += flowNeg(tp, v, i)
    const t = pos + neg
    st(out, i, t < 1.0 ? 0.0 : 100.0 * (pos / t))
  }
  store<f64>(s, pos)
  store<f64>(s + 8, neg)
}

/**
 * VWAP of typical price: n = 0 cumulative from bar 0, n > 0 rolling over n bars; NaN while the
 * window holds no non-zero volume (a rolling sum's residue must not fake one).
 * State: [Σ tp·v, Σ v, count of non-zero volumes].
 */
export function vwap(h: usize, l: usize, c: usize, v: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  let pv = 0.0, vol = 0.0, live = 0.0
  if (from > 0) {
    pv = load<f64>(s)
    vol = load<f64>(s + 8)
    live = load<f64>(s + 16)
  }
  const lb = n > 0 ? n - 1 : 0
  for (let i = from; i < to; i++) {
    const x = ld(v, i)
    pv += ((ld(h, i) + ld(l, i) + ld(c, i)) / 3.0) * x
    vol += x
    live += mask(x != 0.0)
    if (n > 0 && i >= n) {
      const j = i - n
      const y = ld(v, j)
      pv -= ((ld(h, j) + ld(l, j) + ld(c, j)) / 3.0) * y
      vol -= y
      live -= mask(y != 0.0)
    }
    st(out, i, i >= lb && live > 0.0 ? pv / vol : NaN)
  }
  store<f64>(s, pv)
  store<f64>(s + 8, vol)
  store<f64>(s + 16, live)
}
