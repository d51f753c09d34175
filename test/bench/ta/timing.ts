/** @module Timing helpers of `bench:ta`: medians of round-robin runs, throughput and formatting. */

export const N = 1_000_000
export const REPS = Number(process.env.BENCH_REPS ?? 7)

export const median = (xs: Array<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
/** Median wall time in ms of `fn` after one warm-up call. */
export const time = (fn: () => unknown, reps = REPS): number => {
  Bun.gc(true) // start each measurement without the previous one's garbage
  fn()
  const xs: Array<number> = []
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now()
    fn()
    xs.push(performance.now() - t0)
  }
  return median(xs)
}
/**
 * Median wall times (ms) of several variants measured round-robin — one run of each per round —
 * so load from other processes on this shared machine hits all variants alike and the ratios
 * stay meaningful. A variant that throws is reported as NaN.
 */
export const timeAll = (fns: ReadonlyArray<() => unknown>, reps = REPS): Array<number> => {
  const ok = fns.map((fn) => {
    try {
      fn()
      return true
    } catch {
      return false
    }
  })
  const xs = fns.map((): Array<number> => [])
  for (let r = 0; r < reps; r++) {
    fns.forEach((fn, i) => {
      if (!ok[i]) return
      Bun.gc(true)
      const t0 = performance.now()
      fn()
      xs[i]!.push(performance.now() - t0)
    })
  }
  return xs.map((x, i) => (ok[i] ? median(x) : NaN))
}
export const mcps = (ms: number, n = N): number => n / 1e3 / ms
export const pad = (s: string, w: number) => s.padStart(w)
export const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2) : "n/a")
