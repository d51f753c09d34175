/** Shared helpers of the resident-engine tests: fixture candles, tolerant comparison, one-off references. */
import { expect } from "bun:test"
import * as ta from "../../../../core/ta/index.ts"
import type { IndicatorSet } from "../../../../core/ta/index.ts"
import { specOf } from "../../../../core/ta/catalog.ts"
import { loadFixture } from "../../../support/talib-fixture.ts"

export const btc = loadFixture("btcusdt").candles
export const candle = (i: number) => ({
  time: btc.time[i]!,
  open: btc.open[i]!,
  high: btc.high[i]!,
  low: btc.low[i]!,
  close: btc.close[i]!,
  volume: btc.volume[i]!,
})

export const sameNaN = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-10) => {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!
    if (Number.isNaN(y)) expect(x).toBeNaN()
    else expect(Math.abs(x - y)).toBeLessThanOrEqual(tol * (1 + Math.abs(y)))
  }
}

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

/** One-off `core/ta` result for output `key` of `set` over candles [from, to). */
export const oneOff = (set: IndicatorSet, key: string, from: number, to: number): Float64Array => {
  const [name, out] = key.split(".") as [string, string | undefined]
  const cfg = set[name]!
  const spec = specOf(cfg.fn)
  const inputs = spec.inputs.map((i) => btc[i].subarray(from, to))
  const r = (ta as unknown as Record<string, AnyFn>)[spec.name]!(
    ...inputs,
    ...(spec.params.length ? [cfg.params ?? {}] : []),
  )
  return out === undefined ? (r as Float64Array) : (r as Record<string, Float64Array>)[out]!
}
