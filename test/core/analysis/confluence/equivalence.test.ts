import { describe, expect, test } from "bun:test"
import {
  detailOf,
  foldConfluence,
  interpretComponents,
  rollUpTimeframes,
  weightedMeanTs,
  weightedMeanWasm,
  type ConfluenceResult,
  type PluginScore,
} from "../../../../core/analysis/confluence/index.ts"
import { COMPONENTS, type Component, type Timeframe } from "../../../../core/plugins/index.ts"
import { oracleFold, oracleInterpret, oracleRollUp } from "./oracle.ts"

// A small deterministic PRNG (mulberry32), so every run checks the same cases.
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const STATUSES: ReadonlyArray<PluginScore["status"]> = ["ok", "ok", "ok", "ok", "unavailable", "failed", "quarantined"]

/** A varied outcome list: every status, odd scores (NaN, ±Infinity with "ok"), unknown components. */
const outcomesOf = (r: () => number): Array<PluginScore> => {
  const n = Math.floor(r() * 50)
  const out: Array<PluginScore> = []
  for (let i = 0; i < n; i++) {
    const status = STATUSES[Math.floor(r() * STATUSES.length)]
    const component = (r() < 0.03 ? "telepathy" : COMPONENTS[Math.floor(r() * COMPONENTS.length)]) as Component
    const odd = r()
    const score =
      status !== "ok"
        ? null
        : odd < 0.03
          ? Number.NaN
          : odd < 0.05
            ? Number.POSITIVE_INFINITY
            : odd < 0.1
              ? Math.round(r() * 100)
              : r() * 100
    const base = {
      name: `p-${i}`,
      component,
      weight: r() < 0.1 ? 1 : 0.05 + r() * 2,
      status,
      score,
      values: { x: r() },
    }
    out.push(
      status === "failed"
        ? { ...base, error: "compute threw Error: boom" }
        : status === "unavailable" && r() < 0.7
          ? { ...base, reason: "no orderbook data" }
          : status === "ok" && r() < 0.1
            ? { ...base, reason: "a note" }
            : base,
    )
  }
  return out
}

const weightsOf = (r: () => number): Partial<Record<Component, number>> | undefined => {
  const k = r()
  if (k < 0.4) return undefined
  const w: Partial<Record<Component, number>> = {}
  for (const c of COMPONENTS) {
    const x = r()
    if (x < 0.2) w[c] = 0
    else if (x < 0.25) w[c] = undefined
    else if (x < 0.3) w[c] = -1
    else if (x < 0.6) w[c] = r()
  }
  return w
}

describe("the one-call fold is the pre-optimisation fold, exactly", () => {
  test("600 random contexts: every field equal (no tolerance), with either reference kernel", () => {
    const r = rng(42)
    for (let k = 0; k < 600; k++) {
      const outcomes = outcomesOf(r)
      const weights = weightsOf(r)
      const neutralBand = r() < 0.2 ? r() * 20 : undefined
      const options = {
        timeframe: "5m" as const,
        time: k,
        ...(weights ? { weights } : {}),
        ...(neutralBand === undefined ? {} : { neutralBand }),
      }
      const expected = oracleFold(outcomes, { ...options, mean: weightedMeanWasm })
      expect(detailOf(foldConfluence(outcomes, options))).toEqual(expected)
      expect(detailOf(foldConfluence(outcomes, { ...options, mean: weightedMeanTs }))).toEqual(
        oracleFold(outcomes, { ...options, mean: weightedMeanTs }),
      )
      expect(detailOf(foldConfluence(outcomes, { ...options, mean: weightedMeanWasm }))).toEqual(expected)
    }
  })

  test("the same outcomes folded twice in a row give equal results (the resident block is reset)", () => {
    const r = rng(7)
    const a = outcomesOf(r)
    const b = outcomesOf(r)
    const first = foldConfluence(a, { timeframe: "1m", time: 0 })
    foldConfluence(b, { timeframe: "1m", time: 0 })
    expect(foldConfluence(a, { timeframe: "1m", time: 0 })).toEqual(first)
  })

  test("interpretation lines match the reference wording for random parts", () => {
    const r = rng(3)
    for (let k = 0; k < 2000; k++) {
      const parts = Array.from({ length: Math.floor(r() * 8) }, (_, i) => ({
        name: r() < 0.5 ? COMPONENTS[i % COMPONENTS.length] : `tf_${i}`,
        score: r() < 0.2 ? null : r() < 0.2 ? 50 : r() * 100,
        weight: r() < 0.2 ? 0.25 : r(),
        enabled: r() < 0.85,
      }))
      const score = r() < 0.1 ? null : r() * 100
      const band = r() < 0.5 ? 5 : r() * 10
      expect(interpretComponents(score, parts, band)).toBe(oracleInterpret(score, parts, band))
    }
  })

  test("roll-ups over random per-timeframe results match, with and without a reference kernel", () => {
    const r = rng(11)
    const frames: ReadonlyArray<Timeframe> = ["1m", "5m", "30m", "4h", "1h"]
    for (let k = 0; k < 300; k++) {
      const results: Array<ConfluenceResult> = []
      for (const tf of frames)
        if (r() < 0.8) results.push(foldConfluence(outcomesOf(r), { timeframe: tf, time: Math.floor(r() * 1e6) }))
      const weights =
        r() < 0.5
          ? undefined
          : Object.fromEntries(frames.filter(() => r() < 0.8).map((tf) => [tf, r() < 0.1 ? 0 : r()]))
      const expected = oracleRollUp("BTC/USDT", results, weights, { mean: weightedMeanWasm })
      expect(rollUpTimeframes("BTC/USDT", results, weights)).toEqual(expected)
      expect(rollUpTimeframes("BTC/USDT", new Map(results.map((x) => [x.timeframe, x])), weights)).toEqual(expected)
      expect(rollUpTimeframes("BTC/USDT", results, weights, { mean: weightedMeanTs })).toEqual(
        oracleRollUp("BTC/USDT", results, weights, { mean: weightedMeanTs }),
      )
    }
  })
})
