/**
 * @module Rolls a symbol's per-timeframe confluence results into one overall score with
 * configurable timeframe weights (re-normalised over the timeframes that have a score) and says
 * whether the timeframes agree on a direction.
 */
import { COMPONENTS, type Component, type Timeframe } from "../../plugins/index.ts"
import { interpretComponents, type Part } from "./interpret.ts"
import type { WeightedMean } from "./math.ts"
import { makeResidentBlock } from "./resident-block.ts"
import { spread, spreadInline } from "./spread.ts"
import type { ConfluenceResult, SymbolConfluence, TimeframeEntry } from "./types.ts"
import { DEFAULT_NEUTRAL_BAND, DEFAULT_TIMEFRAME_WEIGHTS, directionOf } from "./weights.ts"

export interface RollUpOptions {
  readonly neutralBand?: number
  /**
   * Route every aggregation through this kernel (e.g. `weightedMeanTs`). Default: the overall
   * and every component's roll-up from one WASM `weightedRows` call; the result is the same.
   */
  readonly mean?: WeightedMean
}

const NC = COMPONENTS.length
const block = makeResidentBlock()

interface FramePlan {
  /** The timeframes taking part (weight > 0), in configuration order. */
  readonly frames: ReadonlyArray<Timeframe>
  readonly weights: Float64Array
}
// A roll-up runs per symbol per scored candle with the same weights object every time: its
// frames and weights are read from it once.
const plans = new WeakMap<object, FramePlan>()
const planOf = (configured: Readonly<Partial<Record<Timeframe, number>>>): FramePlan => {
  let plan = plans.get(configured)
  if (plan === undefined) {
    const frames = (Object.keys(configured) as Array<Timeframe>).filter((tf) => (configured[tf] ?? 0) > 0)
    plan = { frames, weights: Float64Array.from(frames, (tf) => configured[tf]!) }
    plans.set(configured, plan)
  }
  return plan
}
// Scratch for the default path (synchronous, not re-entered): the timeframes' scores, and the
// rolled-up overall and component scores (read out before the function returns).
let SCORES = new Float64Array(8)
const ROLLED = new Float64Array(1 + NC)

/**
 * `timeframeWeights`: the timeframes taking part and their weights (others are ignored); default
 * 1m .4, 5m .3, 30m .2, 4h .1. Per-component scores roll up with the same weights, each
 * re-normalised over the timeframes where that component had a score.
 */
export const rollUpTimeframes = (
  symbol: string,
  results: ReadonlyMap<Timeframe, ConfluenceResult> | ReadonlyArray<ConfluenceResult>,
  timeframeWeights: Readonly<Partial<Record<Timeframe, number>>> = DEFAULT_TIMEFRAME_WEIGHTS,
  options: RollUpOptions = {},
): SymbolConfluence => {
  const mean = options.mean
  const band = options.neutralBand ?? DEFAULT_NEUTRAL_BAND
  const { frames, weights } = planOf(timeframeWeights)
  const F = frames.length
  const byFrame: ReadonlyMap<Timeframe, ConfluenceResult> = Array.isArray(results)
    ? new Map((results as ReadonlyArray<ConfluenceResult>).map((r) => [r.timeframe, r]))
    : (results as ReadonlyMap<Timeframe, ConfluenceResult>)
  const found: Array<ConfluenceResult | undefined> = new Array(F)

  if (mean === undefined && SCORES.length < F) SCORES = new Float64Array(F)
  const scores = mean === undefined ? SCORES : new Float64Array(F)
  let availableWeight = 0
  for (let i = 0; i < F; i++) {
    const r = byFrame.get(frames[i])
    found[i] = r
    const s = r?.score
    scores[i] = s === null || s === undefined ? Number.NaN : s
    if (!Number.isNaN(scores[i])) availableWeight += weights[i]
  }
  // Row 0: the timeframes' scores; row 1 + ci: component ci's score on each timeframe.
  const rolled = mean === undefined ? ROLLED : new Float64Array(1 + NC)
  if (mean === undefined) {
    if (F === 0) rolled.fill(Number.NaN)
    else {
      const R = 1 + NC
      const { heap, base, kernels } = block.reserve(R * F + F + R)
      const matrix = base
      const w = base + R * F
      const out = w + F
      for (let i = 0; i < F; i++) {
        heap[w + i] = weights[i]
        heap[matrix + i] = scores[i]
        const r = found[i]
        for (let ci = 0; ci < NC; ci++)
          heap[matrix + (1 + ci) * F + i] = r?.components[COMPONENTS[ci]]?.score ?? Number.NaN
      }
      kernels.weightedRows(matrix << 3, R, F, w << 3, out << 3)
      for (let k = 0; k <= NC; k++) rolled[k] = heap[out + k]
    }
  } else {
    rolled[0] = mean(scores, weights)
    const componentScores = new Float64Array(F)
    for (let ci = 0; ci < NC; ci++) {
      for (let i = 0; i < F; i++) componentScores[i] = found[i]?.components[COMPONENTS[ci]]?.score ?? Number.NaN
      rolled[1 + ci] = mean(componentScores, weights)
    }
  }
  const overall = rolled[0]
  const { consensus, confidence } =
    mean === undefined ? spreadInline(scores, weights, F) : spread(scores, weights, mean)

  const timeframes: Partial<Record<Timeframe, TimeframeEntry>> = {}
  const detail: Partial<Record<Timeframe, ConfluenceResult>> = {}
  const missing: Array<Timeframe> = []
  // Directions seen among the scored timeframes, as bits (bullish 1, bearish 2, neutral 4).
  let seen = 0
  let partial = false
  let time = 0
  for (let i = 0; i < F; i++) {
    const tf = frames[i]
    const r = found[i]
    const score = Number.isNaN(scores[i]) ? null : scores[i]
    const direction = score === null ? null : directionOf(score, band)
    if (direction === null) missing.push(tf)
    else seen |= direction === "bullish" ? 1 : direction === "bearish" ? 2 : 4
    if (r !== undefined) {
      time = Math.max(time, r.time)
      detail[tf] = r
    }
    const weight = score === null ? 0 : weights[i] / availableWeight
    const entry: TimeframeEntry = {
      score,
      weight,
      configuredWeight: weights[i],
      direction,
      partial: r === undefined || r.partial,
    }
    timeframes[tf] = entry
    if (entry.partial) partial = true
  }

  const components = {} as Record<Component, number | null>
  for (let ci = 0; ci < NC; ci++) components[COMPONENTS[ci]] = Number.isNaN(rolled[1 + ci]) ? null : rolled[1 + ci]

  const score = Number.isNaN(overall) ? null : overall
  const available = F - missing.length
  let interpretation: string | undefined
  return {
    symbol,
    score,
    components,
    direction: score === null ? null : directionOf(score, band),
    agree: available < 2 ? null : seen === 1 || seen === 2 || seen === 4,
    consensus,
    confidence,
    timeframes,
    results: detail,
    missing,
    partial: missing.length > 0 || partial,
    time,
    // Read by the API and the few confluences that emit a signal, not by scoring: written out on
    // first read (an own property, so copies and JSON carry it as a plain value).
    get interpretation() {
      if (interpretation === undefined) {
        const parts: Array<Part> = new Array(F)
        for (let i = 0; i < F; i++) {
          const entry = timeframes[frames[i]]!
          parts[i] = { name: frames[i], score: entry.score, weight: entry.weight, enabled: true }
        }
        interpretation = interpretComponents(score, parts, band)
      }
      return interpretation
    },
  }
}
