// Plan dispatch for the resident-engine driver (engine.ts): decodes a plan entry into column
// pointers and calls its kernel — one series, or two at once where pairs.ts has a two-series form.
import { sma, ema, wma, dema, tema, kama } from "./averages"
import { rsi, macd, stochRsi, roc, mom } from "./oscillators"
import { stoch, willr, cci, ultosc } from "./ranges"
import { trange, atr, bbands, stddev } from "./volatility"
import { dmi, aroon, sar } from "./trend"
import { obv, ad, adosc, mfi, vwap } from "./volume"
import { stochRsi2, cci2, dmi2, ultosc2, sar2, mfi2 } from "./pairs"

// Job field offsets shared with engine.ts (see its JOBS block).
export const J_BLOCK = 4, J_START = 8, J_STATE = 24
const OUT_BASE: f64 = 1000

// The output block of the series being dispatched (module state: AssemblyScript has no closures,
// and threading it through every call would cost registers on the hot path).
let outBlock: usize = 0

@inline export function setOutBlock(p: usize): void {
  outBlock = p
}

@inline function col(block: usize, colBytes: usize, start: i32, c: f64): usize {
  if (c < 0) return 0
  if (c >= OUT_BASE) return outBlock + <usize>(<i32>(c - OUT_BASE)) * colBytes + (<usize>start << 3)
  return block + <usize>(<i32>c) * colBytes + (<usize>start << 3)
}

function runKernel(e: usize, block: usize, colBytes: usize, start: i32, from: i32, to: i32, s: usize): void {
  const id = <i32>load<f64>(e)
  const i0 = col(block, colBytes, start, load<f64>(e, 8))
  const i1 = col(block, colBytes, start, load<f64>(e, 16))
  const i2 = col(block, colBytes, start, load<f64>(e, 24))
  const i3 = col(block, colBytes, start, load<f64>(e, 32))
  const o0 = col(block, colBytes, start, load<f64>(e, 40))
  const o1 = col(block, colBytes, start, load<f64>(e, 48))
  const o2 = col(block, colBytes, start, load<f64>(e, 56))
  const t0 = col(block, colBytes, start, load<f64>(e, 64))
  const t1 = col(block, colBytes, start, load<f64>(e, 72))
  const p0 = load<f64>(e, 80)
  const p1 = load<f64>(e, 88)
  const p2 = load<f64>(e, 96)
  const st = s + <usize>(<i32>load<f64>(e, 104))
  const n0 = <i32>p0
  switch (id) {
    case 1: sma(i0, o0, from, to, n0, st); break
    case 2: ema(i0, o0, from, to, n0, st); break
    case 3: wma(i0, o0, from, to, n0, st); break
    case 4: dema(i0, o0, from, to, n0, st); break
    case 5: tema(i0, o0, from, to, n0, st); break
    case 6: kama(i0, o0, from, to, n0, st); break
    case 7: rsi(i0, o0, from, to, n0, st); break
    case 8: macd(i0, o0, o1, o2, from, to, n0, <i32>p1, <i32>p2, st); break
    case 9: stochRsi(i0, o0, o1, t0, t1, from, to, n0, <i32>p1, <i32>p2, st); break
    case 10: roc(i0, o0, from, to, n0); break
    case 11: mom(i0, o0, from, to, n0); break
    case 12: trange(i0, i1, i2, o0, from, to); break
    case 13: atr(i0, i1, i2, o0, o1, o2, from, to, n0, st); break
    case 14: bbands(i0, o0, o1, o2, from, to, n0, p1, p2, st); break
    case 15: stddev(i0, o0, from, to, n0, p1, st); break
    case 16: dmi(i0, i1, i2, o0, o1, o2, from, to, n0, st); break
    case 17: aroon(i0, i1, o0, o1, from, to, n0); break
    case 18: sar(i0, i1, o0, from, to, p0, p1, st); break
    case 19: obv(i0, i1, o0, from, to, st); break
    case 20: ad(i0, i1, i2, i3, o0, from, to, st); break
    case 21: adosc(i0, i1, i2, i3, o0, from, to, n0, <i32>p1, st); break
    case 22: mfi(i0, i1, i2, i3, o0, t0, from, to, n0, st); break
    case 23: vwap(i0, i1, i2, i3, o0, from, to, n0, st); break
    case 24: stoch(i0, i1, i2, o0, o1, t0, t1, from, to, n0, <i32>p1, <i32>p2, st); break
    case 25: willr(i0, i1, i2, o0, from, to, n0); break
    case 26: cci(i0, i1, i2, o0, t0, from, to, n0); break
    case 27: ultosc(i0, i1, i2, o0, t0, t1, from, to, n0, <i32>p1, <i32>p2, st); break
    default: unreachable()
  }
}

export function runPlan(
  plan: usize, nPlan: i32, block: usize, colBytes: usize, start: i32, from: i32, to: i32, s: usize,
): void {
  if (from >= to) return
  for (let k = 0; k < nPlan; k++) {
    const e = plan + (<usize>k << 7)
    // A kernel still inside its warm-up at `from` restarts from scratch (its inputs are all here).
    const f = <f64>from > load<f64>(e, 112) ? from : 0
    runKernel(e, block, colBytes, start, f, to, s)
  }
}

/**
 * Two series at the same [from, to): kernels with a two-series form (pairs.ts) run both at once,
 * the others run one after the other. `outA`/`outB` are the output blocks the two write to.
 */
export function runPlanPair(
  plan: usize, nPlan: i32, colBytes: usize, a: usize, outA: usize, b: usize, outB: usize, from: i32, to: i32,
): void {
  if (from >= to) return
  const blockA = <usize>load<i32>(a, J_BLOCK)
  const blockB = <usize>load<i32>(b, J_BLOCK)
  const startA = load<i32>(a, J_START)
  const startB = load<i32>(b, J_START)
  const sA = <usize>load<i32>(a, J_STATE)
  const sB = <usize>load<i32>(b, J_STATE)
  for (let k = 0; k < nPlan; k++) {
    const e = plan + (<usize>k << 7)
    const f = <f64>from > load<f64>(e, 112) ? from : 0
    const id = <i32>load<f64>(e)
    if (id == 22) {
      outBlock = outA
      const ao = col(blockA, colBytes, startA, load<f64>(e, 40))
      const at = col(blockA, colBytes, startA, load<f64>(e, 64))
      outBlock = outB
      const bo = col(blockB, colBytes, startB, load<f64>(e, 40))
      const bt = col(blockB, colBytes, startB, load<f64>(e, 64))
      const so = <usize>(<i32>load<f64>(e, 104))
      mfi2(
        col(blockA, colBytes, startA, load<f64>(e, 8)), col(blockA, colBytes, startA, load<f64>(e, 16)),
        col(blockA, colBytes, startA, load<f64>(e, 24)), col(blockA, colBytes, startA, load<f64>(e, 32)),
        ao, at, sA + so,
        col(blockB, colBytes, startB, load<f64>(e, 8)), col(blockB, colBytes, startB, load<f64>(e, 16)),
        col(blockB, colBytes, startB, load<f64>(e, 24)), col(blockB, colBytes, startB, load<f64>(e, 32)),
        bo, bt, sB + so,
        f, to, <i32>load<f64>(e, 80),
      )
      continue
    }
    if (id == 18) {
      outBlock = outA
      const ah = col(blockA, colBytes, startA, load<f64>(e, 8))
      const al = col(blockA, colBytes, startA, load<f64>(e, 16))
      const ao = col(blockA, colBytes, startA, load<f64>(e, 40))
      outBlock = outB
      const bh = col(blockB, colBytes, startB, load<f64>(e, 8))
      const bl = col(blockB, colBytes, startB, load<f64>(e, 16))
      const bo = col(blockB, colBytes, startB, load<f64>(e, 40))
      const so = <usize>(<i32>load<f64>(e, 104))
      sar2(ah, al, ao, sA + so, bh, bl, bo, sB + so, f, to, load<f64>(e, 80), load<f64>(e, 88))
      continue
    }
    if (id == 9 || id == 16 || id == 26 || id == 27) {
      outBlock = outA
      const ai0 = col(blockA, colBytes, startA, load<f64>(e, 8))
      const ao0 = col(blockA, colBytes, startA, load<f64>(e, 40))
      const ao1 = col(blockA, colBytes, startA, load<f64>(e, 48))
      const at0 = col(blockA, colBytes, startA, load<f64>(e, 64))
      const at1 = col(blockA, colBytes, startA, load<f64>(e, 72))
      outBlock = outB
      const bi0 = col(blockB, colBytes, startB, load<f64>(e, 8))
      const bo0 = col(blockB, colBytes, startB, load<f64>(e, 40))
      const bo1 = col(blockB, colBytes, startB, load<f64>(e, 48))
      const bt0 = col(blockB, colBytes, startB, load<f64>(e, 64))
      const bt1 = col(blockB, colBytes, startB, load<f64>(e, 72))
      const n0 = <i32>load<f64>(e, 80)
      const so = <usize>(<i32>load<f64>(e, 104))
      if (id == 9) {
        stochRsi2(
          ai0, ao0, ao1, at0, at1, sA + so, bi0, bo0, bo1, bt0, bt1, sB + so,
          f, to, n0, <i32>load<f64>(e, 88), <i32>load<f64>(e, 96),
        )
      } else if (id == 16) {
        outBlock = outA
        const ao2 = col(blockA, colBytes, startA, load<f64>(e, 56))
        outBlock = outB
        const bo2 = col(blockB, colBytes, startB, load<f64>(e, 56))
        const ai1 = col(blockA, colBytes, startA, load<f64>(e, 16))
        const ai2 = col(blockA, colBytes, startA, load<f64>(e, 24))
        const bi1 = col(blockB, colBytes, startB, load<f64>(e, 16))
        const bi2 = col(blockB, colBytes, startB, load<f64>(e, 24))
        dmi2(ai0, ai1, ai2, ao0, ao1, ao2, sA + so, bi0, bi1, bi2, bo0, bo1, bo2, sB + so, f, to, n0)
      } else {
        const ai1 = col(blockA, colBytes, startA, load<f64>(e, 16))
        const ai2 = col(blockA, colBytes, startA, load<f64>(e, 24))
        const bi1 = col(blockB, colBytes, startB, load<f64>(e, 16))
        const bi2 = col(blockB, colBytes, startB, load<f64>(e, 24))
        if (id == 26) {
          cci2(ai0, ai1, ai2, ao0, at0, bi0, bi1, bi2, bo0, bt0, f, to, n0)
        } else {
          ultosc2(
            ai0, ai1, ai2, ao0, at0, at1, sA + so, bi0, bi1, bi2, bo0, bt0, bt1, sB + so,
            f, to, n0, <i32>load<f64>(e, 88), <i32>load<f64>(e, 96),
          )
        }
      }
      continue
    }
    outBlock = outA
    runKernel(e, blockA, colBytes, startA, f, to, sA)
    outBlock = outB
    runKernel(e, blockB, colBytes, startB, f, to, sB)
  }
}

