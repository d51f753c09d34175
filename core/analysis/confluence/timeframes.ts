/**
 * @module Rolls a symbol's per-timeframe confluence results into one overall score with
 * configurable timeframe weights (re-normalised over the timeframes that have a score) and says
 * whether the timeframes agree on a direction.
 */
import { COMPONENTS, type Component, type Timeframe } from "../../plugins/index.ts"
import { interpretComponents } from "./interpret.ts"
import { weightedMeanWasm, type WeightedMean } from "./math.ts"
import { spread } from "./spread.ts"
import type { ConfluenceResult, SymbolConfluence, TimeframeEntry } from "./types.ts"
import { DEFAULT_NEUTRAL_BAND, DEFAULT_TIMEFRAME_WEIGHTS, directionOf } from "./weights.ts"

export interface RollUpOptions {
  readonly neutralBand?: number
  readonly mean?: WeightedMean
}

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
  const mean = options.mean ?? weightedMeanWasm
  const band = options.neutralBand ?? DEFAULT_NEUTRAL_BAND
  const configured = timeframeWeights
  const frames = (Object.keys(configured) as Array<Timeframe>).filter((tf) => (configured[tf] ?? 0) > 0)
  const byFrame: ReadonlyMap<Timeframe, ConfluenceResult> = Array.isArray(results)
    ? new Map((results as ReadonlyArray<ConfluenceResult>).map((r) => [r.timeframe, r]))
    : results as ReadonlyMap<Timeframe, ConfluenceResult>

  const scores = new Float64Array(frames.length)
  const weights = new Float64Array(frames.length)
  let availableWeight = 0
  frames.forEach((tf, i) => {
    const s = byFrame.get(tf)?.score
    scores[i] = s === null || s === undefined ? Number.NaN : s
    weights[i] = configured[tf]!
    if (!Number.isNaN(scores[i])) availableWeight += weights[i]
  })
  const overall = mean(scores, weights)
  const { consensus, confidence } = spread(scores, weights, mean)

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
  const componentScores = new Float64Array(frames.length)
  for (const c of COMPONENTS) {
    frames.forEach((tf, i) => { componentScores[i] = byFrame.get(tf)?.components[c]?.score ?? Number.NaN })
    const m = mean(componentScores, weights)
    components[c] = Number.isNaN(m) ? null : m
  }
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
    interpretation: interpretComponents(score, frames.map((tf) => ({ name: tf, score: timeframes[tf]!.score, weight: timeframes[tf]!.weight, enabled: true })), band),
  }
}
