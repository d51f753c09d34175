// Momentum oscillators: RSI, MACD, STOCHRSI, ROC, MOM (kernel convention: see averages.ts).
import { ld, st, stOpt, fillNaN, isZero, ema2 } from "./memory"
import { rawStoch } from "./ranges"

@inline function rsiValue(g: f64, l: f64): f64 {
  const t = g + l
  return isZero(t) ? 0.0 : 100.0 * (g / t)
}

/**
 * The RSI seed `rsi` and `rsiExact` share. On the first chunk (from == 0): NaN over the warm-up,
 * the simple mean gain and loss of the first N changes (TA-Lib's order) into the state
 * [avgGain, avgLoss], RSI at bar N; returns N + 1, or −1 when the chunk ends inside the warm-up
 * (state untouched). On later chunks the state already holds the averages: returns `from`.
 */
@inline function rsiSeed(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): i32 {
  if (from != 0) return from
  fillNaN(out, 0, min(to, n))
  if (to <= n) return -1
  const fn = <f64>n
  let g = 0.0
  let l = 0.0
  for (let j = 1; j <= n; j++) {
    const d = ld(x, j) - ld(x, j - 1)
    if (d < 0) l -= d
    else g += d
  }
  l /= fn
  g /= fn
  store<f64>(s, g)
  store<f64>(s + 8, l)
  st(out, n, rsiValue(g, l))
  return n + 1
}

/**
 * Wilder RSI over `[from, to)` into `out`. State: [avgGain, avgLoss].
 *
 * The seed (simple mean of the first N changes) follows TA-Lib exactly. The smoothing
 * `avg = (avg·(N−1) + x)/N` is rewritten as `avg·a + x·b` (a = (N−1)/N, b = 1/N) on an f64x2
 * (gain, loss) pair and advanced two bars per step (`v₂ = v₀·a² + (x₁·b·a + x₂·b)`), so the
 * loop-carried chain is one multiply and one add per two bars instead of a multiply, add and
 * divide per bar; the two RSI divisions of a step share one f64x2 division. Rounding differs
 * from TA-Lib by a few ulps (the smoothing is contractive, so errors do not accumulate).
 */
export function rsi(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  const fn = <f64>n
  let i = rsiSeed(x, out, from, to, n, s)
  if (i < 0) return
  let g = load<f64>(s)
  let l = load<f64>(s + 8)
  const a = <f64>(n - 1) / fn
  const b = 1.0 / fn
  const va = f64x2.splat(a)
  const va2 = f64x2.splat(a * a)
  const vb = f64x2.splat(b)
  const vba = f64x2.splat(b * a)
  const sign = f64x2(1.0, -1.0)
  const zero = f64x2.splat(0.0)
  const hundred = f64x2.splat(100.0)
  const eps = f64x2.splat(1e-14)
  let v = f64x2(g, l)
  let prev = ld(x, i - 1)
  for (; i + 1 < to; i += 2) {
    const x1 = ld(x, i)
    const x2 = ld(x, i + 1)
    // (gain, loss) of each bar: max((d, −d), 0)
    const gl1 = f64x2.max(f64x2.mul(f64x2.splat(x1 - prev), sign), zero)
    const gl2 = f64x2.max(f64x2.mul(f64x2.splat(x2 - x1), sign), zero)
    prev = x2
    const v1 = f64x2.add(f64x2.mul(v, va), f64x2.mul(gl1, vb))
    v = f64x2.add(f64x2.mul(v, va2), f64x2.add(f64x2.mul(gl1, vba), f64x2.mul(gl2, vb)))
    // Lanes: (gain₁, gain₂) / (gain₁+loss₁, gain₂+loss₂)
    const gains = f64x2.shuffle(v1, v, 0, 2)
    const losses = f64x2.shuffle(v1, v, 1, 3)
    const tot = f64x2.add(gains, losses)
    const r = f64x2.mul(hundred, f64x2.div(gains, tot))
    const flat = f64x2.lt(f64x2.abs(tot), eps)
    v128.store(out + (<usize>i << 3), v128.bitselect(zero, r, flat))
  }
  if (i < to) {
    const x1 = ld(x, i)
    const gl1 = f64x2.max(f64x2.mul(f64x2.splat(x1 - prev), sign), zero)
    v = f64x2.add(f64x2.mul(v, va), f64x2.mul(gl1, vb))
    st(out, i, rsiValue(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1)))
  }
  store<f64>(s, f64x2.extract_lane(v, 0))
  store<f64>(s + 8, f64x2.extract_lane(v, 1))
}

/**
 * RSI with TA-Lib's exact operation order (bit-identical): STOCHRSI uses it, because a stochastic
 * of RSI amplifies ulp-level differences in flat windows (TA-Lib's max == min → 0 case).
 * State: [avgGain, avgLoss].
 */
export function rsiExact(x: usize, out: usize, from: i32, to: i32, n: i32, s: usize): void {
  const fn = <f64>n
  const fm = <f64>(n - 1)
  let i = rsiSeed(x, out, from, to, n, s)
  if (i < 0) return
  let g = load<f64>(s)
  let l = load<f64>(s + 8)
  let prev = ld(x, i - 1)
  for (; i < to; i++) {
    const v = ld(x, i)
    const d = v - prev
    prev = v
    l *= fm
    g *= fm
    l -= select<f64>(d, 0.0, d < 0)
    g += select<f64>(d, 0.0, d > 0)
    l /= fn
    g /= fn
    st(out, i, rsiValue(g, l))
  }
  store<f64>(s, g)
  store<f64>(s + 8, l)
}

/**
 * MACD; both EMAs start at slow-1 (fast seeded from the `fast` closes ending there) — TA-Lib's
 * warm-up, exact; the steady state runs two bars per f64x2 step. State: [fast, slow, signal].
 */
export function macd(
  x: usize, outM: usize, outS: usize, outH: usize, from: i32, to: i32, fastP: i32, slowP: i32, sigP: i32, s: usize,
): void {
  if (slowP < fastP) { const t = slowP; slowP = fastP; fastP = t }
  const kf = 2.0 / (<f64>fastP + 1.0)
  const ks = 2.0 / (<f64>slowP + 1.0)
  const kg = 2.0 / (<f64>sigP + 1.0)
  const lb1 = slowP - 1
  const lb = lb1 + sigP - 1
  let f = 0.0, sl = 0.0, sig = 0.0
  let i = from
  if (from == 0) {
    const w = min(to, lb)
    fillNaN(outM, 0, w)
    fillNaN(outS, 0, w)
    fillNaN(outH, 0, w)
    if (to <= lb) return
    let sumS = 0.0, sumF = 0.0
    for (let j = 0; j <= lb1; j++) sumS += ld(x, j)
    for (let j = lb1 - fastP + 1; j <= lb1; j++) sumF += ld(x, j)
    f = sumF / <f64>fastP
    sl = sumS / <f64>slowP
    let sumG = f - sl
    for (let j = lb1 + 1; j <= lb; j++) {
      const v = ld(x, j)
      f = (v - f) * kf + f
      sl = (v - sl) * ks + sl
      sumG += f - sl
    }
    sig = sumG / <f64>sigP
    const m = f - sl
    stOpt(outM, lb, m)
    stOpt(outS, lb, sig)
    stOpt(outH, lb, m - sig)
    i = lb + 1
  } else {
    f = load<f64>(s)
    sl = load<f64>(s + 8)
    sig = load<f64>(s + 16)
  }
  // Steady state: all three EMAs two bars per f64x2 step (ema2), then the per-bar tail.
  {
    const af = 1.0 - kf, as = 1.0 - ks, ag = 1.0 - kg
    const kvf = f64x2.splat(kf), kvs = f64x2.splat(ks), kvg = f64x2.splat(kg)
    const avf = f64x2(af, af * af), avs = f64x2(as, as * as), avg = f64x2(ag, ag * ag)
    const a0f = f64x2(0.0, af), a0s = f64x2(0.0, as), a0g = f64x2(0.0, ag)
    let vf = f64x2.splat(f), vs = f64x2.splat(sl), vg = f64x2.splat(sig)
    for (; i + 1 < to; i += 2) {
      const off = <usize>i << 3
      const xs = v128.load(x + off)
      vf = ema2(xs, vf, kvf, avf, a0f)
      vs = ema2(xs, vs, kvs, avs, a0s)
      const m = f64x2.sub(vf, vs)
      vg = ema2(m, vg, kvg, avg, a0g)
      if (outM != 0) v128.store(outM + off, m)
      if (outS != 0) v128.store(outS + off, vg)
      if (outH != 0) v128.store(outH + off, f64x2.sub(m, vg))
    }
    f = f64x2.extract_lane(vf, 1)
    sl = f64x2.extract_lane(vs, 1)
    sig = f64x2.extract_lane(vg, 1)
  }
  for (; i < to; i++) {
    const v = ld(x, i)
    f = (v - f) * kf + f
    sl = (v - sl) * ks + sl
    const m = f - sl
    sig = (m - sig) * kg + sig
    stOpt(outM, i, m)
    stOpt(outS, i, sig)
    stOpt(outH, i, m - sig)
  }
  store<f64>(s, f)
  store<f64>(s + 8, sl)
  store<f64>(s + 16, sig)
}

/** ROC = (x/x[i-N] - 1)·100, 0 when x[i-N] == 0. Stateless. */
export function roc(x: usize, out: usize, from: i32, to: i32, n: i32): void {
  let i = from
  if (from == 0) { fillNaN(out, 0, min(to, n)); i = n }
  for (; i < to; i++) {
    const t = ld(x, i - n)
    st(out, i, t != 0.0 ? (ld(x, i) / t - 1.0) * 100.0 : 0.0)
  }
}

/** MOM = x - x[i-N]. Stateless. */
export function mom(x: usize, out: usize, from: i32, to: i32, n: i32): void {
  let i = from
  if (from == 0) { fillNaN(out, 0, min(to, n)); i = n }
  for (; i < to; i++) st(out, i, ld(x, i) - ld(x, i - n))
}

/**
 * STOCHRSI: RSI(n) into `rsiTmp` (every index, NaN in its warm-up), then fast %K over the last `kP`
 * RSI values (0 when max == min) into `kTmp`, %D = SMA(dP) of %K. Outputs start at n+kP-1+dP-1.
 * State: [rsi gain, rsi loss, %D running sum].
 */
export function stochRsi(
  x: usize, outK: usize, outD: usize, rsiTmp: usize, kTmp: usize, from: i32, to: i32, n: i32, kP: i32, dP: i32,
  s: usize,
): void {
  rsiExact(x, rsiTmp, from, to, n, s)
  stochRsiFromRsi(outK, outD, rsiTmp, kTmp, from, to, n, kP, dP, s)
}

/** The part of STOCHRSI after the RSI (shared with the two-series kernel in pairs.ts). */
export function stochRsiFromRsi(
  outK: usize, outD: usize, rsiTmp: usize, kTmp: usize, from: i32, to: i32, n: i32, kP: i32, dP: i32, s: usize,
): void {
  const kStart = n + kP - 1
  const lb = kStart + dP - 1
  let i = from
  let sumD = 0.0
  if (from == 0) {
    const w = min(to, lb)
    fillNaN(outK, 0, w)
    fillNaN(outD, 0, w)
    fillNaN(kTmp, 0, min(to, kStart))
    if (to <= lb) { if (to > kStart) rawStoch(rsiTmp, rsiTmp, rsiTmp, kTmp, kStart, to, kP); return }
    rawStoch(rsiTmp, rsiTmp, rsiTmp, kTmp, kStart, lb, kP)
    for (let j = kStart; j < lb; j++) sumD += ld(kTmp, j)
    i = lb
  } else sumD = load<f64>(s + 16)
  rawStoch(rsiTmp, rsiTmp, rsiTmp, kTmp, i, to, kP)
  const fd = <f64>dP
  for (; i < to; i++) {
    const k = ld(kTmp, i)
    sumD += k
    stOpt(outK, i, k)
    stOpt(outD, i, sumD / fd)
    sumD -= ld(kTmp, i - dP + 1)
  }
  store<f64>(s + 16, sumD)
}

