/**
 * @module The series `bench:ta` measures: a deterministic 1,000,000-candle random walk, as typed
 * arrays, plain arrays and objects, and copied into resident WASM columns.
 */
import { getKernels } from "../../../core/wasm/index.ts"
import { N } from "./timing.ts"

let seed = 42
export const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 4294967296
}
export const close = new Float64Array(N),
  high = new Float64Array(N),
  low = new Float64Array(N)
export const open = new Float64Array(N),
  volume = new Float64Array(N),
  timeCol = new Float64Array(N)
{
  let p = 30_000
  for (let i = 0; i < N; i++) {
    const o = p
    p *= 1 + (rnd() - 0.5) * 0.004
    open[i] = o
    close[i] = p
    high[i] = Math.max(o, p) * (1 + rnd() * 0.001)
    low[i] = Math.min(o, p) * (1 - rnd() * 0.001)
    volume[i] = rnd() * 100
    timeCol[i] = 1_700_000_000_000 + i * 60_000
  }
}
export const arr = { close: Array.from(close), high: Array.from(high), low: Array.from(low) }
export const hlc = Array.from({ length: N }, (_, i) => ({ high: high[i]!, low: low[i]!, close: close[i]! }))

// ── resident columns ─────────────────────────────────────────────────────────────────────────
export const K = getKernels()
export const k = K.exports
export const col = () => K.arena.alloc(N * 8)
export const R = { close: col(), high: col(), low: col(), volume: col() }
export const O = [col(), col(), col()]
export const T = [col(), col()]
export const S = K.arena.alloc(64 * 8)
K.f64().set(close, R.close >> 3)
K.f64().set(high, R.high >> 3)
K.f64().set(low, R.low >> 3)
K.f64().set(volume, R.volume >> 3)
