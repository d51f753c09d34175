/**
 * @module Rolls a symbol's per-timeframe confluence results into one overall score with
 * configurable timeframe weights (re-normalised over the timeframes that have a score) and says
 * whether the timeframes agree on a direction.
 */
import { COMPONENTS, type Component, type Timeframe } from "../../plugins/index.ts"
import { interpretComponents } from "./interpret.ts"
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
  const configured = timeframeWeights
  const frames = (Object.keys(configured) as Array<Timeframe>).filter((tf) => (configured[tf] ?? 0) > 0)
  const byFrame: ReadonlyMap<Timeframe, ConfluenceResult> = Array.isArray(results)
    ? new Map((results as ReadonlyArray<ConfluenceResult>).map((r) => [r.timeframe, r]))
    : (results as ReadonlyMap<Timeframe, ConfluenceResult>)

  const scores = new Float64Array(frames.length)
  const weights = new Float64Array(frames.length)
  let availableWeight = 0
  frames.forEach((tf, i) => {
    const s = byFrame.get(tf)?.score
    scores[i] = s === null || s === undefined ? Number.NaN : s
    weights[i] = configured[tf]!
    if (!Number.isNaN(scores[i])) availableWeight += weights[i]
  })
  // Row 0: the timeframes' scores; row 1 + ci: component ci's score on each timeframe.
  const rolled = new Float64Array(1 + NC)
  if (mean === undefined) {
    const F = frames.length
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
        const r = byFrame.get(frames[i])
        for (let ci = 0; ci < NC; ci++)
          heap[matrix + (1 + ci) * F + i] = r?.components[COMPONENTS[ci]]?.score ?? Number.NaN
      }
      kernels.weightedRows(matrix << 3, R, F, w << 3, out << 3)
      for (let k = 0; k <= NC; k++) rolled[k] = heap[out + k]
    }
  } else {
    rolled[0] = mean(scores, weights)
    const componentScores = new Float64Array(frames.length)
    COMPONENTS.forEach((c, ci) => {
      frames.forEach((tf, i) => {
        componentScores[i] = byFrame.get(tf)?.components[c]?.score ?? Number.NaN
      })
      rolled[1 + ci] = mean(componentScores, weights)
    })
  }
  const overall = rolled[0]
  const { consensus, confidence } =
    mean === undefined ? spreadInline(scores, weights, frames.length) : spread(scores, weights, mean)

  const timeframes: Partial<Record<Timeframe, TimeframeEntry>> = {}
  const missing: Array<Timeframe> = []
  const directions = new Set<string>()
  let time = 0
  frames.forEach((tf, i) => {
    const r = byFrame.get(tf)
    const score = Number.isNaN(scores[i]) ? null : scores[i]
    if (score === null) missing.push(tf)
    else directions.add(directionOf(score, band))
    if (r !== undefined) time = Math.max(time, r.time)
    timeframes[tf] = {
      score,
      weight: score === null ? 0 : weights[i] / availableWeight,
      configuredWeight: weights[i],
      direction: score === null ? null : directionOf(score, band),
      partial: r === undefined || r.partial,
    }
  })

  const components = {} as Record<Component, number | null>
  COMPONENTS.forEach((c, ci) => {
    components[c] = Number.isNaN(rolled[1 + ci]) ? null : rolled[1 + ci]
  })
  const detail: Partial<Record<Timeframe, ConfluenceResult>> = {}
  for (const tf of frames) {
    const r = byFrame.get(tf)
    if (r !== undefined) detail[tf] = r
  }

  const score = Number.isNaN(overall) ? null : overall
  const available = frames.length - missing.length
  return {
    symbol,
    score,
    components,
    direction: score === null ? null : directionOf(score, band),
    agree: available < 2 ? null : directions.size === 1,
    consensus,
    confidence,
    timeframes,
    results: detail,
    missing,
    partial: missing.length > 0 || frames.some((tf) => timeframes[tf]!.partial),
    time,
    interpretation: interpretComponents(
      score,
      frames.map((tf) => ({ name: tf, score: timeframes[tf]!.score, weight: timeframes[tf]!.weight, enabled: true })),
      band,
    ),
  }
}
