/**
 * Randomised resident-engine sequences (append, replaceLast, compute at random intervals, reset,
 * remove/re-add, both storage modes) against one-off `core/ta` over each series' full history.
 */
import { expect, test } from "bun:test"
import * as ta from "../../../../core/ta/index.ts"
import { FULL_SET, makeResidentEngine } from "../../../../core/ta/index.ts"
import { specOf } from "../../../../core/ta/catalog.ts"
import { getKernels } from "../../../../core/wasm/index.ts"
import type { Candle } from "../../../../core/market-schema/index.ts"

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

let seed = 7
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 4294967296
}

const nextCandle = (prev: Candle | undefined, t: number): Candle => {
  const p = prev ? prev.close * (1 + (rnd() - 0.5) * 0.02) : 100
  const flat = rnd() < 0.1
  return {
    time: t,
    open: prev?.close ?? p,
    close: p,
    high: flat ? p : p * (1 + rnd() * 0.01),
    low: flat ? p : p * (1 - rnd() * 0.01),
    volume: rnd() < 0.1 ? 0 : rnd() * 50,
  }
}

const expectedAll = (history: ReadonlyArray<Candle>, key: string): Float64Array => {
  const [name, out] = key.split(".") as [string, string | undefined]
  const spec = specOf(FULL_SET[name]!.fn)
  const inputs = spec.inputs.map((col) => Float64Array.from(history, (c) => c[col]))
  const r = (ta as unknown as Record<string, AnyFn>)[spec.name]!(...inputs)
  return out === undefined ? (r as Float64Array) : (r as Record<string, Float64Array>)[out]!
}

const near = (got: number, want: number): boolean =>
  Number.isNaN(want) ? Number.isNaN(got) : Math.abs(got - want) <= 1e-9 + 1e-9 * Math.abs(want)

for (const keepHistory of [true, false]) {
  test(`random operation sequences (keepHistory: ${keepHistory})`, () => {
    // The set's largest lookback is 87 (TEMA 30): with at most ~41 candles pending per compute
    // (+1 after a replaceLast), every series can always resume (see ResidentEngine's docs).
    const capacity = 150
    const e = makeResidentEngine(getKernels(), { capacity, maxSeries: 4, indicators: FULL_SET, keepHistory })
    const histories = new Map<number, Array<Candle>>()
    for (let s = 0; s < 3; s++) histories.set(e.addSeries(`s${s}`), [])
    let sinceCompute = 0
    let checks = 0
    for (let step = 0; step < 1500; step++) {
      const ids = [...histories.keys()]
      const id = ids[Math.floor(rnd() * ids.length)]!
      const h = histories.get(id)!
      const r = rnd()
      if (r < 0.7 || h.length === 0) {
        const c = nextCandle(h[h.length - 1], step)
        e.append(id, c)
        h.push(c)
      } else if (r < 0.85) {
        const c = { ...nextCandle(h[h.length - 2], step), time: h[h.length - 1]!.time }
        e.replaceLast(id, c)
        h[h.length - 1] = c
      } else if (r < 0.86) {
        e.reset(id)
        h.length = 0
      } else if (r < 0.87) {
        e.removeSeries(id)
        histories.delete(id)
        histories.set(e.addSeries(`r${step}`), [])
      }
      sinceCompute++
      // Compute often enough that no series drops more than `capacity` candles in between.
      if (rnd() < 0.2 || sinceCompute > 40) {
        checks++
        e.compute()
        sinceCompute = 0
        for (const [sid, hist] of histories) {
          expect(e.length(sid)).toBe(Math.min(hist.length, capacity))
          if (hist.length === 0) continue
          expect(e.columns(sid).close[e.length(sid) - 1]).toBe(hist[hist.length - 1]!.close)
          const n = e.length(sid)
          for (const key of e.outputs) {
            const all = expectedAll(hist, key)
            const want = all[all.length - 1]!
            const got = e.latest(sid, key)
            if (!near(got, want))
              throw new Error(
                `step ${step} series ${sid} (${hist.length} candles) ${key}: engine ${got}, one-off ${want}`,
              )
            // Views only on some checks, so pending rows also pile up, flush when the ring fills
            // and slide out of the window between views.
            if (!keepHistory || checks % 5 !== 0) continue
            // The whole history view (pending rows flushed on access) matches too.
            const view = e.output(sid, key)
            expect(view.length).toBe(n)
            for (let i = 0; i < n; i++) {
              const w = all[all.length - n + i]!
              if (!near(view[i]!, w))
                throw new Error(`step ${step} series ${sid} ${key}[${i}/${n}]: view ${view[i]}, one-off ${w}`)
            }
          }
        }
      }
    }
    e.dispose()
  })
}
