// Range oscillators: STOCH, WILLR, CCI, ULTOSC (kernel convention: see averages.ts). Rolling
// extremes use TA-Lib's scheme: keep the extreme's index, rescan only when it leaves the window;
// indices are never carried across calls (a resumed call starts with a rescan).
import { ld, st, stOpt, fillNaN, isZero, fmax, fmin } from "./memory"

/** Windows up to this many bars are scanned whole with f64x2; longer ones use the rescan scheme. */
const BRUTE_MAX = 48

/**
 * (max h[j0..j1], min l[j0..j1]) by f64x2 pseudo-max/min over pairs — branch-free and exact
 * (inputs are finite, so pmax/pmin equal max/min).
 */
@inline function hiLo(h: usize, l: usize, j0: i32, j1: i32): v128 {
  let mx = f64x2.splat(ld(h, j1))
  let mn = f64x2.splat(ld(l, j1))
  for (let j = j0; j < j1; j += 2) {
    mx = f64x2.pmax(mx, v128.load(h + (<usize>j << 3)))
    mn = f64x2.pmin(mn, v128.load(l + (<usize>j << 3)))
  }
  const hi = Math.max(f64x2.extract_lane(mx, 0), f64x2.extract_lane(mx, 1))
  const lo = Math.min(f64x2.extract_lane(mn, 0), f64x2.extract_lane(mn, 1))
  return f64x2(hi, lo)
}

/**
 * Extremes of the windows ending at i and i+1 (p bars each): the p−1 bars they share are scanned
 * once. Returns lanes (HH_i, HH_i+1) in `pairHi` and (LL_i, LL_i+1) in `pairLo`.
 */
let pairHi: v128 = f64x2.splat(0.0)
let pairLo: v128 = f64x2.splat(0.0)
@inline function hiLoPair(h: usize, l: usize, i: i32, p: i32): void {
  const s = hiLo(h, l, i - p + 2, i) // shared bars (p ≥ 2)
  const hs = f64x2.splat(f64x2.extract_lane(s, 0))
  const ls = f64x2.splat(f64x2.extract_lane(s, 1))
  pairHi = f64x2.pmax(hs, f64x2(ld(h, i - p + 1), ld(h, i + 1)))
  pairLo = f64x2.pmin(ls, f64x2(ld(l, i - p + 1), ld(l, i + 1)))
}

// Long ranges (a full recompute) use van Herk/Gil-Werman: windows of p bars span the suffix of
// the previous p-aligned block and the prefix of the current one, so HH/LL cost O(1) per bar.
// (HH, −LL) ride in one f64x2 lane pair so a single pmax serves both. The suffixes of the
// previous block live in a static buffer (the module is single-threaded; no allocation).
const VHGW_MAX = 4096
const SUF = memory.data((VHGW_MAX + 1) * 16, 16)

@inline function pair(h: usize, l: usize, j: i32): v128 {
  return f64x2(ld(h, j), -ld(l, j))
}

/** SUF[r] = (max h, −min l) over [b + r, b + p); SUF[p] = (−∞, −∞). */
function suffixBlock(h: usize, l: usize, b: i32, p: i32): void {
  let acc = f64x2.splat(-Infinity)
  v128.store(SUF + (<usize>p << 4), acc)
  for (let r = p - 1; r >= 0; r--) {
    acc = f64x2.pmax(acc, pair(h, l, b + r))
    v128.store(SUF + (<usize>r << 4), acc)
  }
}

/** Whether [from, to) is long enough for the block scheme to beat a direct scan. */
@inline function useBlocks(from: i32, to: i32, p: i32): bool {
  return p <= VHGW_MAX && to - from >= 2 * p
}

// Block-scan cursor (module globals: AssemblyScript has no closures).
let vb: i32 = 0
let vr: i32 = 0
let vpre: v128 = f64x2.splat(0.0)

/** Positions the cursor at bar `i` (windows of p bars; i ≥ p − 1). */
function blocksStart(h: usize, l: usize, i: i32, p: i32): void {
  vr = i % p
  vb = i - vr
  vpre = f64x2.splat(-Infinity)
  for (let j = vb; j < i; j++) vpre = f64x2.pmax(vpre, pair(h, l, j))
  if (vb >= p) suffixBlock(h, l, vb - p, p)
  else v128.store(SUF + (<usize>p << 4), f64x2.splat(-Infinity))
}

/** (HH, −LL) of the window ending at the cursor's bar, then advances the cursor. */
@inline function blocksNext(h: usize, l: usize, i: i32, p: i32): v128 {
  if (vr == p) {
    suffixBlock(h, l, vb, p)
    vb += p
    vr = 0
    vpre = f64x2.splat(-Infinity)
  }
  vpre = f64x2.pmax(vpre, pair(h, l, i))
  const w = f64x2.pmax(vpre, v128.load(SUF + (<usize>(vr + 1) << 4)))
  vr++
  return w
}

/**
 * The long-period fallback of `rawStoch` and `willr`: the window's highest high and lowest low
 * tracked TA-Lib style (rescanned only when the extreme leaves the window), then raw %K
 * (c − LL)/((HH − LL)/100) or, with `willR`, Williams %R (HH − C)/((HH − LL)/−100); 0 when
 * HH == LL. `willR` is a constant at both call sites, so inlining folds the branch away.
 */
@inline function trackedRange(h: usize, l: usize, c: usize, out: usize, from: i32, to: i32, p: i32, willR: bool): void {
  let hiIdx = -1, loIdx = -1
  let hi = 0.0, lo = 0.0
  for (let i = from; i < to; i++) {
    const trailing = i - p + 1
    const th = ld(h, i)
    if (hiIdx < trailing) {
      hiIdx = trailing; hi = ld(h, trailing)
      for (let j = trailing + 1; j <= i; j++) { const u = ld(h, j); if (u >= hi) { hi = u; hiIdx = j } }
    } else if (th >= hi) { hiIdx = i; hi = th }
    const tl = ld(l, i)
    if (loIdx < trailing) {
      loIdx = trailing; lo = ld(l, trailing)
      for (let j = trailing + 1; j <= i; j++) { const u = ld(l, j); if (u <= lo) { lo = u; loIdx = j } }
    } else if (tl <= lo) { loIdx = i; lo = tl }
    if (willR) {
      const diff = (hi - lo) / -100.0
      st(out, i, diff != 0.0 ? (hi - ld(c, i)) / diff : 0.0)
    } else {
      const diff = (hi - lo) / 100.0
      st(out, i, diff != 0.0 ? (ld(c, i) - lo) / diff : 0.0)
    }
  }
}

/** Raw %K over `p` bars: (c − LL)/((HH − LL)/100), 0 when HH == LL, into `out` over [from, to). */
export function rawStoch(h: usize, l: usize, c: usize, out: usize, from: i32, to: i32, p: i32): void {
  if (useBlocks(from, to, p)) {
    blocksStart(h, l, from, p)
    for (let i = from; i < to; i++) {
      const w = blocksNext(h, l, i, p)
      const lo = -f64x2.extract_lane(w, 1)
      const diff = (f64x2.extract_lane(w, 0) - lo) / 100.0
      st(out, i, diff != 0.0 ? (ld(c, i) - lo) / diff : 0.0)
    }
    return
  }
  if (p <= BRUTE_MAX) {
    let i = from
    if (p >= 2) {
      const hundred = f64x2.splat(100.0)
      const zero = f64x2.splat(0.0)
      for (; i + 1 < to; i += 2) {
        hiLoPair(h, l, i, p)
        const diff = f64x2.div(f64x2.sub(pairHi, pairLo), hundred)
        const k = f64x2.div(f64x2.sub(v128.load(c + (<usize>i << 3)), pairLo), diff)
        v128.store(out + (<usize>i << 3), v128.bitselect(zero, k, f64x2.eq(diff, zero)))
      }
    }
    for (; i < to; i++) {
      const hl = hiLo(h, l, i - p + 1, i)
      const lo = f64x2.extract_lane(hl, 1)
      const diff = (f64x2.extract_lane(hl, 0) - lo) / 100.0
      st(out, i, diff != 0.0 ? (ld(c, i) - lo) / diff : 0.0)
    }
    return
  }
  trackedRange(h, l, c, out, from, to, p, false)
}

/**
 * STOCH with SMA slowing: raw %K → `rawTmp`, slow %K = SMA(kP) → `kTmp` (also before the output
 * starts), slow %D = SMA(dP). Both outputs start at (fastK−1)+(kP−1)+(dP−1). State: [sumK, sumD].
 */
export function stoch(
  h: usize, l: usize, c: usize, outK: usize, outD: usize, rawTmp: usize, kTmp: usize, from: i32, to: i32, fastK: i32,
  kP: i32, dP: i32, s: usize,
): void {
  const lbRaw = fastK - 1
  const kStart = lbRaw + kP - 1
  const lb = kStart + dP - 1
  const fk = <f64>kP
  const fd = <f64>dP
  let sumK = 0.0, sumD = 0.0
  let i = from
  if (from == 0) {
    fillNaN(outK, 0, min(to, lb))
    fillNaN(outD, 0, min(to, lb))
    if (to <= lbRaw) return
    rawStoch(h, l, c, rawTmp, lbRaw, to, fastK)
    for (let j = lbRaw; j < min(kStart, to); j++) sumK += ld(rawTmp, j)
    i = kStart
  } else {
    rawStoch(h, l, c, rawTmp, from, to, fastK)
    sumK = load<f64>(s)
    sumD = load<f64>(s + 8)
  }
  for (; i < to; i++) {
    sumK += ld(rawTmp, i)
    const k = sumK / fk
    sumK -= ld(rawTmp, i - kP + 1)
    st(kTmp, i, k)
    sumD += k
    if (i < lb) continue
    const d = sumD / fd
    sumD -= ld(kTmp, i - dP + 1)
    stOpt(outK, i, k)
    stOpt(outD, i, d)
  }
  store<f64>(s, sumK)
  store<f64>(s + 8, sumD)
}

/** Williams %R over n bars: (HH − C)/((HH − LL)/−100), 0 when HH == LL. Stateless. */
export function willr(h: usize, l: usize, c: usize, out: usize, from: i32, to: i32, n: i32): void {
  let i = from
  if (from == 0) { fillNaN(out, 0, min(to, n - 1)); i = n - 1 }
  if (useBlocks(i, to, n)) {
    blocksStart(h, l, i, n)
    for (; i < to; i++) {
      const w = blocksNext(h, l, i, n)
      const hi = f64x2.extract_lane(w, 0)
      const diff = (hi + f64x2.extract_lane(w, 1)) / -100.0
      st(out, i, diff != 0.0 ? (hi - ld(c, i)) / diff : 0.0)
    }
    return
  }
  if (n <= BRUTE_MAX) {
    if (n >= 2) {
      const m100 = f64x2.splat(-100.0)
      const zero = f64x2.splat(0.0)
      for (; i + 1 < to; i += 2) {
        hiLoPair(h, l, i, n)
        const diff = f64x2.div(f64x2.sub(pairHi, pairLo), m100)
        const r = f64x2.div(f64x2.sub(pairHi, v128.load(c + (<usize>i << 3))), diff)
        v128.store(out + (<usize>i << 3), v128.bitselect(zero, r, f64x2.eq(diff, zero)))
      }
    }
    for (; i < to; i++) {
      const hl = hiLo(h, l, i - n + 1, i)
      const hi = f64x2.extract_lane(hl, 0)
      const diff = (hi - f64x2.extract_lane(hl, 1)) / -100.0
      st(out, i, diff != 0.0 ? (hi - ld(c, i)) / diff : 0.0)
    }
    return
  }
  trackedRange(h, l, c, out, i, to, n, true)
}

/**
 * CCI over n bars of typical price (→ scratch column `tp`). Sums run in TA-Lib's circular-buffer
 * order (bar j sits in slot j mod n), so results are bit-identical. Stateless.
 */
export function cci(h: usize, l: usize, c: usize, out: usize, tp: usize, from: i32, to: i32, n: i32): void {
  // Scratch columns keep earlier bars between calls (the resident engine slides them with the
  // window), so a resumed call only fills its own range.
  for (let j = from; j < to; j++) st(tp, j, (ld(h, j) + ld(l, j) + ld(c, j)) / 3.0)
  let i = from
  if (from == 0) { fillNaN(out, 0, min(to, n - 1)); i = n - 1 }
  const fn = <f64>n
  // Slot order: bars b0..i (b0 = the window's bar in slot 0) then i−n+1..b0−1. The first part is
  // a running prefix `head` (exactly the same additions), so only the tail is re-added per bar.
  let head = 0.0
  if (i < to) for (let j = i - (i % n); j < i; j++) head += ld(tp, j)
  for (; i < to; i++) {
    const b0 = i - (i % n)
    head = b0 == i ? ld(tp, i) : head + ld(tp, i)
    // The mean keeps TA-Lib's summation order: in a flat window it decides whether TP − mean is
    // exactly 0 (→ CCI 0) or not, so it must round the same way.
    let sum = head
    for (let j = i - n + 1; j < b0; j++) sum += ld(tp, j)
    const avg = sum / fn
    // The mean deviation is order-insensitive in effect (equal terms in a flat window): f64x2.
    const va = f64x2.splat(avg)
    let acc = f64x2.splat(0.0)
    let j = i - n + 1
    for (; j < i; j += 2) acc = f64x2.add(acc, f64x2.abs(f64x2.sub(v128.load(tp + (<usize>j << 3)), va)))
    let md = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1)
    if (j == i) md += Math.abs(ld(tp, i) - avg)
    const dev = ld(tp, i) - avg
    st(out, i, dev != 0.0 && md != 0.0 ? dev / (0.015 * (md / fn)) : 0.0)
  }
}

@inline export function buyingPressure(l: usize, c: usize, i: i32): f64 {
  return ld(c, i) - fmin(ld(l, i), ld(c, i - 1))
}

@inline export function ultTrueRange(h: usize, l: usize, c: usize, i: i32): f64 {
  const lo = ld(l, i)
  const hi = ld(h, i)
  const yc = ld(c, i - 1)
  return fmax(fmax(hi - lo, Math.abs(yc - hi)), Math.abs(yc - lo))
}

/**
 * ULTOSC; p1 <= p2 <= p3 (sorted by the caller). Buying pressure and true range of every bar go
 * to scratch columns `bpT`/`trT` (so trailing terms are read back, not recomputed), and each
 * period's (ΣBP, ΣTR) rides in one f64x2 lane pair — the same additions in the same order as
 * TA-Lib, so results stay bit-identical. State: [a1, b1, a2, b2, a3, b3].
 */
export function ultosc(
  h: usize, l: usize, c: usize, out: usize, bpT: usize, trT: usize, from: i32, to: i32, p1: i32, p2: i32, p3: i32,
  s: usize,
): void {
  const lb = p3
  for (let j = max(1, from); j < to; j++) { // earlier bars are kept in the scratch columns
    st(bpT, j, buyingPressure(l, c, j))
    st(trT, j, ultTrueRange(h, l, c, j))
  }
  let s1 = f64x2.splat(0.0), s2 = f64x2.splat(0.0), s3 = f64x2.splat(0.0)
  let i = from
  if (from == 0) {
    fillNaN(out, 0, min(to, lb))
    if (to <= lb) return
    for (let j = lb - p1 + 1; j < lb; j++) s1 = f64x2.add(s1, f64x2(ld(bpT, j), ld(trT, j)))
    for (let j = lb - p2 + 1; j < lb; j++) s2 = f64x2.add(s2, f64x2(ld(bpT, j), ld(trT, j)))
    for (let j = lb - p3 + 1; j < lb; j++) s3 = f64x2.add(s3, f64x2(ld(bpT, j), ld(trT, j)))
    i = lb
  } else {
    s1 = v128.load(s)
    s2 = v128.load(s, 16)
    s3 = v128.load(s, 32)
  }
  for (; i < to; i++) {
    const t = f64x2(ld(bpT, i), ld(trT, i))
    s1 = f64x2.add(s1, t)
    s2 = f64x2.add(s2, t)
    s3 = f64x2.add(s3, t)
    const b1 = f64x2.extract_lane(s1, 1)
    const b2 = f64x2.extract_lane(s2, 1)
    const b3 = f64x2.extract_lane(s3, 1)
    let o = 0.0
    if (!isZero(b1)) o += 4.0 * (f64x2.extract_lane(s1, 0) / b1)
    if (!isZero(b2)) o += 2.0 * (f64x2.extract_lane(s2, 0) / b2)
    if (!isZero(b3)) o += f64x2.extract_lane(s3, 0) / b3
    let j = i - p1 + 1
    s1 = f64x2.sub(s1, f64x2(ld(bpT, j), ld(trT, j)))
    j = i - p2 + 1
    s2 = f64x2.sub(s2, f64x2(ld(bpT, j), ld(trT, j)))
    j = i - p3 + 1
    s3 = f64x2.sub(s3, f64x2(ld(bpT, j), ld(trT, j)))
    st(out, i, 100.0 * (o / 7.0))
  }
  v128.store(s, s1)
  v128.store(s, s2, 16)
  v128.store(s, s3, 32)
}
