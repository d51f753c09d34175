/**
 * Randomised WASM == TS reference: every function, random lengths (0..400) and random valid
 * parameters (small and large periods, so every kernel path runs: warm-up longer than the data,
 * brute-force and block-scan windows, odd/even tails of the f64x2 loops).
 */
import { expect, test } from "bun:test"
import * as ta from "../../../../core/ta/index.ts"
import * as ref from "../../../support/ta-reference/index.ts"
import { FUNCTIONS } from "../../../../core/ta/catalog.ts"

type AnyFn = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

let seed = 20261201
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 4294967296
}
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))

const series = (n: number) => {
  const close = new Float64Array(n),
    high = new Float64Array(n),
    low = new Float64Array(n)
  const open = new Float64Array(n),
    volume = new Float64Array(n)
  let p = 10 ** int(-3, 5)
  for (let i = 0; i < n; i++) {
    const flat = rnd() < 0.15
    const o = p
    if (!flat) p *= 1 + (rnd() - 0.5) * 0.03
    open[i] = o
    close[i] = p
    high[i] = flat ? p : Math.max(o, p) * (1 + rnd() * 0.01)
    low[i] = flat ? p : Math.min(o, p) * (1 - rnd() * 0.01)
    volume[i] = rnd() < 0.1 ? 0 : rnd() * 1000
  }
  return { open, high, low, close, volume }
}

const randomParams = (name: string): Record<string, number> => {
  const spec = FUNCTIONS.find((f) => f.name === name)!
  const out: Record<string, number> = {}
  for (const p of spec.params) {
    if (p.integer) out[p.name] = Math.max(p.min, rnd() < 0.7 ? int(p.min, 20) : int(21, 120))
    else
      out[p.name] = name === "sar" ? (p.name === "acceleration" ? 0.005 + rnd() * 0.1 : 0.1 + rnd() * 0.4) : rnd() * 3
  }
  if (name === "macd" && out.slowPeriod! < out.fastPeriod!)
    [out.slowPeriod, out.fastPeriod] = [out.fastPeriod!, out.slowPeriod!]
  return out
}

const close = (a: Float64Array, b: Float64Array, label: string) => {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Math.abs(x - y) <= 1e-9 + 1e-9 * Math.abs(y)
    if (!ok) throw new Error(`${label}: index ${i}: wasm ${x}, reference ${y}`)
  }
}

test("random lengths and parameters: WASM == TS reference for every function", () => {
  for (let round = 0; round < 60; round++) {
    const n = round < 5 ? round : int(5, 400)
    const data = series(n)
    for (const spec of FUNCTIONS) {
      const opts = randomParams(spec.name)
      const inputs = spec.inputs.map((i) => data[i])
      const args = spec.params.length > 0 ? [...inputs, opts] : inputs
      const a = (ta as unknown as Record<string, AnyFn>)[spec.name]!(...args)
      const b = (ref as unknown as Record<string, AnyFn>)[spec.name]!(...args)
      const label = `${spec.name} n=${n} ${JSON.stringify(opts)}`
      if (a instanceof Float64Array) close(a, b as Float64Array, label)
      else for (const out of spec.outputs) close(a[out]!, (b as Record<string, Float64Array>)[out]!, `${label}.${out}`)
    }
  }
})
