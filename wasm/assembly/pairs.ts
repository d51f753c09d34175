// Two series per f64x2 lane pair (the resident engine's batch and per-candle steps, when two
// neighbouring series are at the same bar range). Only kernels whose single-series form is a
// scalar dependency chain or is division-bound gain from this: TA-Lib-exact RSI (inside
// STOCHRSI: a divide on the chain), CCI (TA-Lib's sequential circular-buffer sum) and DMI (two
// divisions per bar, now shared by two series), ULTOSC (three divisions), MFI (running sums and a
// division) and SAR (a branchy chain, blended with masks). Each lane runs exactly the scalar
// kernel's operations in the same order, so lane results equal the single-series ones (CCI's
// mean deviation, order-insensitive in effect, is summed sequentially here: a few ulps apart).
import { ld, st, fillNaN } from "./memory"
import { rsiExact, stochRsiFromRsi } from "./oscillators"
import { dmi, sar } from "./trend"
import { ultosc, buyingPressure, ultTrueRange } from "./ranges"
import { mfi } from "./volume"

@inline function pairAt(a: usize, b: usize, i: i32): v128 {
  return f64x2(ld(a, i), ld(b, i))
}

/** rsiExact for series A and B over the same [from, to). */
export function rsiExact2(
  xA: usize, oA: usize, sA: usize, xB: usize, oB: usize, sB: usize, from: i32, to: i32, n: i32,
): void {
  let i = from
  if (from == 0) {
    // Warm-up and seed per series (scalar, exact), through bar n.
    const w = min(to, n + 1)
    rsiExact(xA, oA, 0, w, n, sA)
    rsiExact(xB, oB, 0, w, n, sB)
    if (to <= n + 1) return
    i = n + 1
  }
  const fn = f64x2.splat(<f64>n)
  const fm = f64x2.splat(<f64>(n - 1))
  const zero = f64x2.splat(0.0)
  const hundred = f64x2.splat(100.0)
  const eps = f64x2.splat(1e-14)
  let g = f64x2(load<f64>(sA), load<f64>(sB))
  let l = f64x2(load<f64>(sA, 8), load<f64>(sB, 8))
  let prev = pairAt(xA, xB, i - 1)
  for (; i < to; i++) {
    const x = pairAt(xA, xB, i)
    const d = f64x2.sub(x, prev)
    prev = x
    l = f64x2.mul(l, fm)
    g = f64x2.mul(g, fm)
    l = f64x2.sub(l, v128.bitselect(d, zero, f64x2.lt(d, zero)))
    g = f64x2.add(g, v128.bitselect(d, zero, f64x2.gt(d, zero)))
    l = f64x2.div(l, fn)
    g = f64x2.div(g, fn)
    const t = f64x2.add(g, l)
    const r = v128.bitselect(zero, f64x2.mul(hundred, f64x2.div(g, t)), f64x2.lt(f64x2.abs(t), eps))
    st(oA, i, f64x2.extract_lane(r, 0))
    st(oB, i, f64x2.extract_lane(r, 1))
  }
  store<f64>(sA, f64x2.extract_lane(g, 0))
  store<f64>(sB, f64x2.extract_lane(g, 1))
  store<f64>(sA, f64x2.extract_lane(l, 0), 8)
  store<f64>(sB, f64x2.extract_lane(l, 1), 8)
}

/** STOCHRSI for series A and B: the RSI chains in lanes, the rest per series. */
export function stochRsi2(
  xA: usize, kA: usize, dA: usize, rA: usize, tA: usize, sA: usize,
  xB: usize, kB: usize, dB: usize, rB: usize, tB: usize, sB: usize,
  from: i32, to: i32, n: i32, kP: i32, dP: i32,
): void {
  rsiExact2(xA, rA, sA, xB, rB, sB, from, to, n)
  stochRsiFromRsi(kA, dA, rA, tA, from, to, n, kP, dP, sA)
  stochRsiFromRsi(kB, dB, rB, tB, from, to, n, kP, dP, sB)
}

/** CCI for series A and B over the same [from, to) (see ranges.ts `cci`). */
export function cci2(
  hA: usize, lA: usize, cA: usize, oA: usize, tpA: usize,
  hB: usize, lB: usize, cB: usize, oB: usize, tpB: usize,
  from: i32, to: i32, n: i32,
): void {
  for (let j = from; j < to; j++) {
    st(tpA, j, (ld(hA, j) + ld(lA, j) + ld(cA, j)) / 3.0)
    st(tpB, j, (ld(hB, j) + ld(lB, j) + ld(cB, j)) / 3.0)
  }
  let i = from
  if (from == 0) {
    fillNaN(oA, 0, min(to, n - 1))
    fillNaN(oB, 0, min(to, n - 1))
    i = n - 1
  }
  const fn = f64x2.splat(<f64>n)
  const zero = f64x2.splat(0.0)
  const k = f64x2.splat(0.015)
  let head = zero
  if (i < to) for (let j = i - (i % n); j < i; j++) head = f64x2.add(head, pairAt(tpA, tpB, j))
  for (; i < to; i++) {
    const b0 = i - (i % n)
    const tp = pairAt(tpA, tpB, i)
    head = b0 == i ? tp : f64x2.add(head, tp)
    let sum = head
    for (let j = i - n + 1; j < b0; j++) sum = f64x2.add(sum, pairAt(tpA, tpB, j))
    const avg = f64x2.div(sum, fn)
    let md = zero
    for (let j = i - n + 1; j <= i; j++) md = f64x2.add(md, f64x2.abs(f64x2.sub(pairAt(tpA, tpB, j), avg)))
    const dev = f64x2.sub(tp, avg)
    const r = f64x2.div(dev, f64x2.mul(k, f64x2.div(md, fn)))
    const flat = v128.or(f64x2.eq(dev, zero), f64x2.eq(md, zero))
    const out = v128.bitselect(zero, r, flat)
    st(oA, i, f64x2.extract_lane(out, 0))
    st(oB, i, f64x2.extract_lane(out, 1))
  }
}

/**
 * +DI/−DI/ADX for series A and B (see trend.ts `dmi`): the warm-up per series, then the steady
 * state with the two series in lanes — the divisions of both share one f64x2 division.
 */
export function dmi2(
  hA: usize, lA: usize, cA: usize, adxA: usize, pA: usize, mA: usize, sA: usize,
  hB: usize, lB: usize, cB: usize, adxB: usize, pB: usize, mB: usize, sB: usize,
  from: i32, to: i32, n: i32,
): void {
  let i = from
  if (from == 0) {
    const w = min(to, 2 * n)
    dmi(hA, lA, cA, adxA, pA, mA, 0, w, n, sA)
    dmi(hB, lB, cB, adxB, pB, mB, 0, w, n, sB)
    if (to <= 2 * n) return
    i = 2 * n
  }
  const fn = <f64>n
  const c = f64x2.splat(1.0 - 1.0 / fn)
  const a2 = f64x2.splat(<f64>(n - 1) / fn)
  const b2 = f64x2.splat(1.0 / fn)
  const zero = f64x2.splat(0.0)
  const hundred = f64x2.splat(100.0)
  const eps = f64x2.splat(1e-14)
  let pdm = f64x2(load<f64>(sA), load<f64>(sB))
  let mdm = f64x2(load<f64>(sA, 8), load<f64>(sB, 8))
  let tr = f64x2(load<f64>(sA, 16), load<f64>(sB, 16))
  let adx = f64x2(load<f64>(sA, 24), load<f64>(sB, 24))
  for (; i < to; i++) {
    const hi = pairAt(hA, hB, i)
    const lo = pairAt(lA, lB, i)
    const yc = pairAt(cA, cB, i - 1)
    const dp = f64x2.sub(hi, pairAt(hA, hB, i - 1))
    const dm = f64x2.sub(pairAt(lA, lB, i - 1), lo)
    const p = v128.and(dp, v128.and(f64x2.gt(dp, zero), f64x2.gt(dp, dm)))
    const m = v128.and(dm, v128.and(f64x2.gt(dm, zero), f64x2.gt(dm, dp)))
    pdm = f64x2.add(f64x2.mul(pdm, c), p)
    mdm = f64x2.add(f64x2.mul(mdm, c), m)
    const t = f64x2.pmax(f64x2.pmax(f64x2.sub(hi, lo), f64x2.abs(f64x2.sub(yc, hi))), f64x2.abs(f64x2.sub(yc, lo)))
    tr = f64x2.add(f64x2.mul(tr, c), t)
    const live = v128.not(f64x2.lt(f64x2.abs(tr), eps))
    const r = f64x2.div(hundred, tr)
    const pdi = v128.and(f64x2.mul(pdm, r), live)
    const mdi = v128.and(f64x2.mul(mdm, r), live)
    const sdi = f64x2.add(mdi, pdi)
    const move = v128.and(live, v128.not(f64x2.lt(f64x2.abs(sdi), eps)))
    const dx = f64x2.mul(hundred, f64x2.div(f64x2.abs(f64x2.sub(mdi, pdi)), sdi))
    adx = v128.bitselect(f64x2.add(f64x2.mul(adx, a2), f64x2.mul(dx, b2)), adx, move)
    if (pA != 0) { st(pA, i, f64x2.extract_lane(pdi, 0)); st(pB, i, f64x2.extract_lane(pdi, 1)) }
    if (mA != 0) { st(mA, i, f64x2.extract_lane(mdi, 0)); st(mB, i, f64x2.extract_lane(mdi, 1)) }
    if (adxA != 0) { st(adxA, i, f64x2.extract_lane(adx, 0)); st(adxB, i, f64x2.extract_lane(adx, 1)) }
  }
  store<f64>(sA, f64x2.extract_lane(pdm, 0)); store<f64>(sB, f64x2.extract_lane(pdm, 1))
  store<f64>(sA, f64x2.extract_lane(mdm, 0), 8); store<f64>(sB, f64x2.extract_lane(mdm, 1), 8)
  store<f64>(sA, f64x2.extract_lane(tr, 0), 16); store<f64>(sB, f64x2.extract_lane(tr, 1), 16)
  store<f64>(sA, f64x2.extract_lane(adx, 0), 24); store<f64>(sB, f64x2.extract_lane(adx, 1), 24)
}

/** ULTOSC for series A and B (see ranges.ts `ultosc`): per-series warm-up, then lanes = series. */
export function ultosc2(
  hA: usize, lA: usize, cA: usize, oA: usize, bpA: usize, trA: usize, sA: usize,
  hB: usize, lB: usize, cB: usize, oB: usize, bpB: usize, trB: usize, sB: usize,
  from: i32, to: i32, p1: i32, p2: i32, p3: i32,
): void {
  let i = from
  if (from == 0) {
    const w = min(to, p3 + 1)
    ultosc(hA, lA, cA, oA, bpA, trA, 0, w, p1, p2, p3, sA)
    ultosc(hB, lB, cB, oB, bpB, trB, 0, w, p1, p2, p3, sB)
    if (to <= p3 + 1) return
    i = p3 + 1
  }
  for (let j = i; j < to; j++) {
    st(bpA, j, buyingPressure(lA, cA, j))
    st(trA, j, ultTrueRange(hA, lA, cA, j))
    st(bpB, j, buyingPressure(lB, cB, j))
    st(trB, j, ultTrueRange(hB, lB, cB, j))
  }
  // Lanes = series: (a, b) sums per period.
  let a1 = f64x2(load<f64>(sA), load<f64>(sB)), b1 = f64x2(load<f64>(sA, 8), load<f64>(sB, 8))
  let a2 = f64x2(load<f64>(sA, 16), load<f64>(sB, 16)), b2 = f64x2(load<f64>(sA, 24), load<f64>(sB, 24))
  let a3 = f64x2(load<f64>(sA, 32), load<f64>(sB, 32)), b3 = f64x2(load<f64>(sA, 40), load<f64>(sB, 40))
  const zero = f64x2.splat(0.0)
  const eps = f64x2.splat(1e-14)
  const four = f64x2.splat(4.0), two = f64x2.splat(2.0), seven = f64x2.splat(7.0), hundred = f64x2.splat(100.0)
  for (; i < to; i++) {
    const bp = pairAt(bpA, bpB, i)
    const tr = pairAt(trA, trB, i)
    a1 = f64x2.add(a1, bp); a2 = f64x2.add(a2, bp); a3 = f64x2.add(a3, bp)
    b1 = f64x2.add(b1, tr); b2 = f64x2.add(b2, tr); b3 = f64x2.add(b3, tr)
    let o = zero
    o = f64x2.add(o, v128.andnot(f64x2.mul(four, f64x2.div(a1, b1)), f64x2.lt(f64x2.abs(b1), eps)))
    o = f64x2.add(o, v128.andnot(f64x2.mul(two, f64x2.div(a2, b2)), f64x2.lt(f64x2.abs(b2), eps)))
    o = f64x2.add(o, v128.andnot(f64x2.div(a3, b3), f64x2.lt(f64x2.abs(b3), eps)))
    let j = i - p1 + 1
    a1 = f64x2.sub(a1, pairAt(bpA, bpB, j)); b1 = f64x2.sub(b1, pairAt(trA, trB, j))
    j = i - p2 + 1
    a2 = f64x2.sub(a2, pairAt(bpA, bpB, j)); b2 = f64x2.sub(b2, pairAt(trA, trB, j))
    j = i - p3 + 1
    a3 = f64x2.sub(a3, pairAt(bpA, bpB, j)); b3 = f64x2.sub(b3, pairAt(trA, trB, j))
    const r = f64x2.mul(hundred, f64x2.div(o, seven))
    st(oA, i, f64x2.extract_lane(r, 0))
    st(oB, i, f64x2.extract_lane(r, 1))
  }
  store<f64>(sA, f64x2.extract_lane(a1, 0)); store<f64>(sB, f64x2.extract_lane(a1, 1))
  store<f64>(sA, f64x2.extract_lane(b1, 0), 8); store<f64>(sB, f64x2.extract_lane(b1, 1), 8)
  store<f64>(sA, f64x2.extract_lane(a2, 0), 16); store<f64>(sB, f64x2.extract_lane(a2, 1), 16)
  store<f64>(sA, f64x2.extract_lane(b2, 0), 24); store<f64>(sB, f64x2.extract_lane(b2, 1), 24)
  store<f64>(sA, f64x2.extract_lane(a3, 0), 32); store<f64>(sB, f64x2.extract_lane(a3, 1), 32)
  store<f64>(sA, f64x2.extract_lane(b3, 0), 40); store<f64>(sB, f64x2.extract_lane(b3, 1), 40)
}

/**
 * Parabolic SAR for series A and B (see trend.ts `sar`): lanes = series, and the four cases
 * (long/short × continue/reverse) are all computed and blended with masks — the same operations
 * per lane as the scalar kernel's taken branch.
 */
export function sar2(
  hA: usize, lA: usize, oA: usize, sA: usize, hB: usize, lB: usize, oB: usize, sB: usize, from: i32, to: i32, acc: f64,
  maxAf: f64,
): void {
  if (acc > maxAf) acc = maxAf
  let i = from
  if (from == 0) {
    const w = min(to, 2)
    sar(hA, lA, oA, 0, w, acc, maxAf, sA)
    sar(hB, lB, oB, 0, w, acc, maxAf, sB)
    if (to <= 2) return
    i = 2
  }
  const one = f64x2.splat(1.0)
  const vacc = f64x2.splat(acc)
  const vmax = f64x2.splat(maxAf)
  let isLong = f64x2.eq(f64x2(load<f64>(sA), load<f64>(sB)), one)
  let sr = f64x2(load<f64>(sA, 8), load<f64>(sB, 8))
  let ep = f64x2(load<f64>(sA, 16), load<f64>(sB, 16))
  let af = f64x2(load<f64>(sA, 24), load<f64>(sB, 24))
  let newLow = pairAt(lA, lB, i - 1)
  let newHigh = pairAt(hA, hB, i - 1)
  for (; i < to; i++) {
    const prevLow = newLow
    const prevHigh = newHigh
    newLow = pairAt(lA, lB, i)
    newHigh = pairAt(hA, hB, i)
    const revL = v128.and(isLong, f64x2.le(newLow, sr))
    const revS = v128.andnot(f64x2.ge(newHigh, sr), isLong)
    // Reversals: the output is the old EP pushed outside both bars; the next SAR starts from it.
    const outL = f64x2.pmax(f64x2.pmax(ep, prevHigh), newHigh) // turning short
    const outS = f64x2.pmin(f64x2.pmin(ep, prevLow), newLow) // turning long
    const nextL = f64x2.pmax(f64x2.pmax(f64x2.add(outL, f64x2.mul(vacc, f64x2.sub(newLow, outL))), prevHigh), newHigh)
    const nextS = f64x2.pmin(f64x2.pmin(f64x2.add(outS, f64x2.mul(vacc, f64x2.sub(newHigh, outS))), prevLow), newLow)
    // Continuations.
    const extL = f64x2.gt(newHigh, ep)
    const extS = f64x2.lt(newLow, ep)
    const bumped = f64x2.pmin(f64x2.add(af, vacc), vmax)
    const afL = v128.bitselect(bumped, af, extL)
    const afS = v128.bitselect(bumped, af, extS)
    const epL = f64x2.pmax(ep, newHigh)
    const epS = f64x2.pmin(ep, newLow)
    const contL = f64x2.pmin(f64x2.pmin(f64x2.add(sr, f64x2.mul(afL, f64x2.sub(epL, sr))), prevLow), newLow)
    const contS = f64x2.pmax(f64x2.pmax(f64x2.add(sr, f64x2.mul(afS, f64x2.sub(epS, sr))), prevHigh), newHigh)
    const out = v128.bitselect(outL, v128.bitselect(outS, sr, revS), revL)
    st(oA, i, f64x2.extract_lane(out, 0))
    st(oB, i, f64x2.extract_lane(out, 1))
    const cont = v128.bitselect(contL, contS, isLong)
    sr = v128.bitselect(nextL, v128.bitselect(nextS, cont, revS), revL)
    const epCont = v128.bitselect(epL, epS, isLong)
    ep = v128.bitselect(newLow, v128.bitselect(newHigh, epCont, revS), revL)
    const afCont = v128.bitselect(afL, afS, isLong)
    af = v128.bitselect(vacc, afCont, v128.or(revL, revS))
    isLong = v128.or(v128.andnot(isLong, revL), revS)
  }
  store<f64>(sA, f64x2.extract_lane(v128.and(isLong, one), 0))
  store<f64>(sB, f64x2.extract_lane(v128.and(isLong, one), 1))
  store<f64>(sA, f64x2.extract_lane(sr, 0), 8); store<f64>(sB, f64x2.extract_lane(sr, 1), 8)
  store<f64>(sA, f64x2.extract_lane(ep, 0), 16); store<f64>(sB, f64x2.extract_lane(ep, 1), 16)
  store<f64>(sA, f64x2.extract_lane(af, 0), 24); store<f64>(sB, f64x2.extract_lane(af, 1), 24)
}

@inline function flows(tpA: usize, tpB: usize, vA: usize, vB: usize, j: i32, up: bool): v128 {
  const t = pairAt(tpA, tpB, j)
  const tp = pairAt(tpA, tpB, j - 1)
  const f = f64x2.mul(t, pairAt(vA, vB, j))
  return v128.and(f, up ? f64x2.gt(t, tp) : f64x2.lt(t, tp))
}

/** MFI for series A and B (see volume.ts `mfi`): per-series warm-up, then lanes = series. */
export function mfi2(
  hA: usize, lA: usize, cA: usize, vA: usize, oA: usize, tpA: usize, sA: usize,
  hB: usize, lB: usize, cB: usize, vB: usize, oB: usize, tpB: usize, sB: usize,
  from: i32, to: i32, n: i32,
): void {
  let i = from
  if (from == 0) {
    const w = min(to, n + 1)
    mfi(hA, lA, cA, vA, oA, tpA, 0, w, n, sA)
    mfi(hB, lB, cB, vB, oB, tpB, 0, w, n, sB)
    if (to <= n + 1) return
    i = n + 1
  }
  for (let j = i; j < to; j++) {
    st(tpA, j, (ld(hA, j) + ld(lA, j) + ld(cA, j)) / 3.0)
    st(tpB, j, (ld(hB, j) + ld(lB, j) + ld(cB, j)) / 3.0)
  }
  let pos = f64x2(load<f64>(sA), load<f64>(sB))
  let neg = f64x2(load<f64>(sA, 8), load<f64>(sB, 8))
  const zero = f64x2.splat(0.0)
  const one = f64x2.splat(1.0)
  const hundred = f64x2.splat(100.0)
  for (; i < to; i++) {
    pos = f64x2.sub(pos, flows(tpA, tpB, vA, vB, i - n, true))
    neg = f64x2.sub(neg, flows(tpA, tpB, vA, vB, i - n, false))
    pos = f64x2.add(pos, flows(tpA, tpB, vA, vB, i, true))
    neg = f64x2.add(neg, flows(tpA, tpB, vA, vB, i, false))
    const t = f64x2.add(pos, neg)
    const r = v128.bitselect(zero, f64x2.mul(hundred, f64x2.div(pos, t)), f64x2.lt(t, one))
    st(oA, i, f64x2.extract_lane(r, 0))
    st(oB, i, f64x2.extract_lane(r, 1))
  }
  store<f64>(sA, f64x2.extract_lane(pos, 0)); store<f64>(sB, f64x2.extract_lane(pos, 1))
  store<f64>(sA, f64x2.extract_lane(neg, 0), 8); store<f64>(sB, f64x2.extract_lane(neg, 1), 8)
}
