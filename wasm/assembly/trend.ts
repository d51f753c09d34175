// Trend: +DI/−DI/ADX (one fused kernel), AROON, SAR (kernel convention: see averages.ts).
import { ld, st, stOpt, fillNaN, isZero, fmax, fmin, mask } from "./memory"
import { trueRange } from "./volatility"

/**
 * Directional movement, TA-Lib style: DM/TR seeded with plain sums over bars 1..N-1, then
 * S = S − S/N + x. +DI/−DI from index N; DX summed over N..2N-1 gives the first ADX at 2N-1,
 * then Wilder. Any output may be 0. Resumes only after 2N-1.
 * State: [+DM, −DM, TR, adx].
 */
export function dmi(
  h: usize, l: usize, cl: usize, outAdx: usize, outPlus: usize, outMinus: usize, from: i32, to: i32, n: i32, s: usize,
): void {
  const fn = <f64>n
  const fm = <f64>(n - 1)
  let pdm = 0.0, mdm = 0.0, tr = 0.0, adx = 0.0
  let i = from
  if (from == 0) {
    fillNaN(outPlus, 0, min(to, n))
    fillNaN(outMinus, 0, min(to, n))
    fillNaN(outAdx, 0, min(to, 2 * n - 1))
    let sumDx = 0.0
    const end = min(to, 2 * n)
    for (let j = 1; j < end; j++) {
      const dp = ld(h, j) - ld(h, j - 1)
      const dm = ld(l, j - 1) - ld(l, j)
      const p = dp > 0 && dp > dm ? dp : 0.0
      const m = dm > 0 && dm > dp ? dm : 0.0
      const t = trueRange(h, l, cl, j)
      if (j < n) {
        pdm += p
        mdm += m
        tr += t
        continue
      }
      pdm = pdm - pdm / fn + p
      mdm = mdm - mdm / fn + m
      tr = tr - tr / fn + t
      let pdi = 0.0, mdi = 0.0
      if (!isZero(tr)) {
        pdi = 100.0 * (pdm / tr)
        mdi = 100.0 * (mdm / tr)
        const sdi = mdi + pdi
        if (!isZero(sdi)) sumDx += 100.0 * (Math.abs(mdi - pdi) / sdi)
      }
      stOpt(outPlus, j, pdi)
      stOpt(outMinus, j, mdi)
    }
    if (to < 2 * n) return
    adx = sumDx / fn
    stOpt(outAdx, 2 * n - 1, adx)
    i = 2 * n
  } else {
    pdm = load<f64>(s)
    mdm = load<f64>(s + 8)
    tr = load<f64>(s + 16)
    adx = load<f64>(s + 24)
  }
  // Steady state: S − S/N + x is evaluated as S·(1 − 1/N) + x, with (+DM, −DM) in one f64x2
  // lane and one division per DI pair (100/TR) and one for DX: 2 divisions per bar instead of 7,
  // none of them on the loop-carried chain. Differs from TA-Lib by a few ulps.
  const c = 1.0 - 1.0 / fn
  const vc = f64x2.splat(c)
  const a2 = fm / fn
  const b2 = 1.0 / fn
  let v = f64x2(pdm, mdm)
  for (; i < to; i++) {
    const dp = ld(h, i) - ld(h, i - 1)
    const dm = ld(l, i - 1) - ld(l, i)
    const p = dp * <f64>(<i32>(dp > 0) & <i32>(dp > dm))
    const m = dm * <f64>(<i32>(dm > 0) & <i32>(dm > dp))
    v = f64x2.add(f64x2.mul(v, vc), f64x2(p, m))
    tr = tr * c + trueRange(h, l, cl, i)
    let pdi = 0.0, mdi = 0.0
    if (!isZero(tr)) {
      const di = f64x2.mul(v, f64x2.splat(100.0 / tr))
      pdi = f64x2.extract_lane(di, 0)
      mdi = f64x2.extract_lane(di, 1)
      const sdi = mdi + pdi
      if (!isZero(sdi)) adx = adx * a2 + (100.0 * (Math.abs(mdi - pdi) / sdi)) * b2
    }
    stOpt(outPlus, i, pdi)
    stOpt(outMinus, i, mdi)
    stOpt(outAdx, i, adx)
  }
  pdm = f64x2.extract_lane(v, 0)
  mdm = f64x2.extract_lane(v, 1)
  store<f64>(s, pdm)
  store<f64>(s + 8, mdm)
  store<f64>(s + 16, tr)
  store<f64>(s + 24, adx)
}

/** AROON over n+1 bars, ties to the most recent extreme. Stateless (extremes rescanned on resume). */
export function aroon(h: usize, l: usize, outDown: usize, outUp: usize, from: i32, to: i32, n: i32): void {
  const factor = 100.0 / <f64>n
  let i = from
  if (from == 0) {
    fillNaN(outDown, 0, min(to, n))
    fillNaN(outUp, 0, min(to, n))
    i = n
  }
  if (to - i < 4) {
    // A few bars (the resident engine's per-candle step): a branch-free scan of the n+1 bars is
    // cheaper than the rescan scheme, whose first step would rescan anyway.
    for (; i < to; i++) {
      let hi = ld(h, i - n), lo = ld(l, i - n)
      let hiAt = i - n, loAt = i - n
      for (let j = i - n + 1; j <= i; j++) {
        const u = ld(h, j)
        const up = u >= hi // ties go to the most recent bar
        hi = select<f64>(u, hi, up)
        hiAt = select<i32>(j, hiAt, up)
        const d = ld(l, j)
        const dn = d <= lo
        lo = select<f64>(d, lo, dn)
        loAt = select<i32>(j, loAt, dn)
      }
      stOpt(outUp, i, factor * <f64>(n - (i - hiAt)))
      stOpt(outDown, i, factor * <f64>(n - (i - loAt)))
    }
    return
  }
  let hiIdx = -1, loIdx = -1
  let hi = 0.0, lo = 0.0
  for (; i < to; i++) {
    const trailing = i - n
    const tl = ld(l, i)
    if (loIdx < trailing) {
      loIdx = trailing; lo = ld(l, trailing)
      for (let j = trailing + 1; j <= i; j++) { const u = ld(l, j); if (u <= lo) { lo = u; loIdx = j } }
    } else if (tl <= lo) { loIdx = i; lo = tl }
    const th = ld(h, i)
    if (hiIdx < trailing) {
      hiIdx = trailing; hi = ld(h, trailing)
      for (let j = trailing + 1; j <= i; j++) { const u = ld(h, j); if (u >= hi) { hi = u; hiIdx = j } }
    } else if (th >= hi) { hiIdx = i; hi = th }
    stOpt(outUp, i, factor * <f64>(n - (i - hiIdx)))
    stOpt(outDown, i, factor * <f64>(n - (i - loIdx)))
  }
}

/** Parabolic SAR (TA-Lib). State: [isLong, sar, ep, af]. */
export function sar(h: usize, l: usize, out: usize, from: i32, to: i32, acc: f64, maxAf: f64, s: usize): void {
  if (acc > maxAf) acc = maxAf
  let isLong = true
  let sr = 0.0, ep = 0.0, af = acc
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, 1))
    if (to < 2) return
    const dp = ld(h, 1) - ld(h, 0)
    const dm = ld(l, 0) - ld(l, 1)
    isLong = !(dm > 0 && dp < dm)
    if (isLong) { ep = ld(h, 1); sr = ld(l, 0) } else { ep = ld(l, 1); sr = ld(h, 0) }
    i = 1
  } else {
    isLong = load<f64>(s) != 0.0
    sr = load<f64>(s + 8)
    ep = load<f64>(s + 16)
    af = load<f64>(s + 24)
  }
  // The previous bar of bar 1 is bar 1 itself (TA-Lib primes newHigh/newLow with bar 1).
  let newLow = ld(l, i == 1 ? 1 : i - 1)
  let newHigh = ld(h, i == 1 ? 1 : i - 1)
  for (; i < to; i++) {
    const prevLow = newLow
    const prevHigh = newHigh
    newLow = ld(l, i)
    newHigh = ld(h, i)
    if (isLong) {
      if (newLow <= sr) {
        isLong = false
        sr = ep
        if (sr < prevHigh) sr = prevHigh
        if (sr < newHigh) sr = newHigh
        st(out, i, sr)
        af = acc
        ep = newLow
        sr = sr + af * (ep - sr)
        if (sr < prevHigh) sr = prevHigh
        if (sr < newHigh) sr = newHigh
      } else {
        st(out, i, sr)
        af = select<f64>(fmin(af + acc, maxAf), af, newHigh > ep)
        ep = fmax(newHigh, ep)
        sr = sr + af * (ep - sr)
        sr = fmin(fmin(sr, prevLow), newLow)
      }
    } else {
      if (newHigh >= sr) {
        isLong = true
        sr = ep
        if (sr > prevLow) sr = prevLow
        if (sr > newLow) sr = newLow
        st(out, i, sr)
        af = acc
        ep = newHigh
        sr = sr + af * (ep - sr)
        if (sr > prevLow) sr = prevLow
        if (sr > newLow) sr = newLow
      } else {
        st(out, i, sr)
        af = select<f64>(fmin(af + acc, maxAf), af, newLow < ep)
        ep = fmin(newLow, ep)
        sr = sr + af * (ep - sr)
        sr = fmax(fmax(sr, prevHigh), newHigh)
      }
    }
  }
  store<f64>(s, isLong ? 1.0 : 0.0)
  store<f64>(s + 8, sr)
  store<f64>(s + 16, ep)
  store<f64>(s + 24, af)
}
