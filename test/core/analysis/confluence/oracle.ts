/**
 * A plain reference of the confluence fold and roll-up (one weighted-mean call per aggregation,
 * Maps and closures): the oracle the optimised code must match exactly (through `detailOf`, which spells out the
 * contributions and the interpretation the fold leaves to readers). Test code only.
 */
import { COMPONENTS, type Component, type Timeframe } from "../../../../core/plugins/index.ts"
import {
  DEFAULT_COMPONENT_WEIGHTS,
  DEFAULT_NEUTRAL_BAND,
  DEFAULT_TIMEFRAME_WEIGHTS,
  directionOf,
  weightedMeanWasm,
  type ComponentDetail,
  type ConfluenceDetail,
  type ConfluenceResult,
  type PluginContribution,
  type PluginScore,
  type SymbolConfluence,
  type TimeframeEntry,
  type WeightedMean,
} from "../../../../core/analysis/confluence/index.ts"

interface Part {
  readonly name: string
  readonly score: number | null
  /** Share of the overall score, used to order parts by how much they pull it. */
  readonly weight: number
  /** Disabled parts (configured weight 0) are left out of the line. */
  readonly enabled: boolean
}

const label = (name: string) => name.replace(/_/g, " ")
const round = (x: number) => Math.round(x).toString()

export const oracleInterpret = (score: number | null, parts: ReadonlyArray<Part>, band: number): string => {
  const shown = parts.filter((p) => p.enabled)
  const unavailable = shown.filter((p) => p.score === null).map((p) => `${label(p.name)} unavailable`)
  if (score === null)
    return (
      `no score: ` +
      `${shown.length === 0 ? "nothing enabled" : "no data for " + shown.map((p) => label(p.name)).join(", ")}`
    )
  const direction = directionOf(score, band)
  const scored = shown
    .filter((p): p is Part & { score: number } => p.score !== null)
    .sort((a, b) => b.weight * Math.abs(b.score - 50) - a.weight * Math.abs(a.score - 50))
  const bullish = scored
    .filter((p) => directionOf(p.score, band) === "bullish")
    .map((p) => `${label(p.name)} ${round(p.score)}`)
  const bearish = scored
    .filter((p) => directionOf(p.score, band) === "bearish")
    .map((p) => `${label(p.name)} ${round(p.score)}`)
  const neutral = scored.filter((p) => directionOf(p.score, band) === "neutral").map((p) => label(p.name))
  const groups: Array<string> = []
  if (direction === "bullish") {
    if (bullish.length > 0) groups.push(bullish.join(", "))
    if (bearish.length > 0) groups.push(`${bearish.join(", ")} against`)
  } else if (direction === "bearish") {
    if (bearish.length > 0) groups.push(bearish.join(", "))
    if (bullish.length > 0) groups.push(`${bullish.join(", ")} against`)
  } else {
    if (bullish.length > 0) groups.push(`bullish ${bullish.join(", ")}`)
    if (bearish.length > 0) groups.push(`bearish ${bearish.join(", ")}`)
  }
  if (neutral.length > 0) groups.push(`${neutral.join(", ")} neutral`)
  groups.push(...unavailable)
  return `${direction} ${round(score)}: ${groups.join("; ")}`
}

/**
 * With n = (s − 50) / 50 and weights re-normalised over the present scores:
 * consensus = exp(−2 · Σ w (n − n̄)²), confidence = |n̄| × consensus. NaN scores are skipped.
 * Both are null when no score is present.
 */
const oracleSpread = (
  scores: Float64Array,
  weights: Float64Array,
  mean: WeightedMean,
): { readonly consensus: number | null; readonly confidence: number | null } => {
  const n = scores.length
  const normalised = new Float64Array(n)
  for (let i = 0; i < n; i++) normalised[i] = (scores[i] - 50) / 50
  const centre = mean(normalised, weights)
  if (Number.isNaN(centre)) return { consensus: null, confidence: null }
  const squared = new Float64Array(n)
  for (let i = 0; i < n; i++) squared[i] = (normalised[i] - centre) ** 2 // NaN stays NaN and is skipped
  const variance = mean(squared, weights)
  const consensus = Math.exp(-2 * variance)
  return { consensus, confidence: Math.abs(centre) * consensus }
}

export interface OracleFoldOptions {
  readonly timeframe: Timeframe
  /** Epoch ms the result describes. */
  readonly time: number
  /** Overrides of the default component weights; 0 disables a component. */
  readonly weights?: Readonly<Partial<Record<Component, number>>>
  readonly neutralBand?: number
  /** The aggregation kernel (default: the WASM one; `weightedMeanTs` is its plain-TS reference). */
  readonly mean?: WeightedMean
}

const present = (p: PluginScore): boolean => p.status === "ok" && p.score !== null && Number.isFinite(p.score)

export const oracleFold = (outcomes: ReadonlyArray<PluginScore>, options: OracleFoldOptions): ConfluenceDetail => {
  const mean = options.mean ?? weightedMeanWasm
  const band = options.neutralBand ?? DEFAULT_NEUTRAL_BAND
  const configured = { ...DEFAULT_COMPONENT_WEIGHTS, ...options.weights }

  const byComponent = new Map<Component, Array<PluginScore>>(COMPONENTS.map((c) => [c, []]))
  for (const o of outcomes) byComponent.get(o.component)?.push(o)

  const componentScores = new Float64Array(COMPONENTS.length)
  const componentWeights = new Float64Array(COMPONENTS.length)
  const pluginShares = new Map<Component, Float64Array>()
  COMPONENTS.forEach((c, ci) => {
    const plugins = byComponent.get(c)!
    const scores = new Float64Array(plugins.length)
    const weights = new Float64Array(plugins.length)
    let okWeight = 0
    plugins.forEach((p, i) => {
      scores[i] = present(p) ? p.score! : Number.NaN
      weights[i] = p.weight
      if (present(p)) okWeight += p.weight
    })
    componentScores[ci] = plugins.length === 0 ? Number.NaN : mean(scores, weights)
    componentWeights[ci] = Math.max(0, configured[c] ?? 0)
    const shares = new Float64Array(plugins.length)
    plugins.forEach((p, i) => {
      shares[i] = present(p) && okWeight > 0 ? p.weight / okWeight : 0
    })
    pluginShares.set(c, shares)
  })

  // A component with weight 0 is disabled: it takes no part in the score or the spread.
  const scored = componentScores.map((s, ci) => (componentWeights[ci] > 0 ? s : Number.NaN))
  const final = mean(scored, componentWeights)
  let availableWeight = 0
  scored.forEach((s, ci) => {
    if (!Number.isNaN(s)) availableWeight += componentWeights[ci]
  })
  const { consensus, confidence } = oracleSpread(scored, componentWeights, mean)

  const missing: Array<string> = []
  const unavailable: Array<Component> = []
  const components = {} as Record<Component, ComponentDetail>
  COMPONENTS.forEach((c, ci) => {
    const share = Number.isNaN(scored[ci]) || availableWeight === 0 ? 0 : componentWeights[ci] / availableWeight
    const shares = pluginShares.get(c)!
    const plugins = byComponent.get(c)!.map((p, i): PluginContribution => {
      if (!present(p)) missing.push(p.name)
      const base = {
        name: p.name,
        status: p.status,
        score: present(p) ? p.score : null,
        weight: shares[i],
        contribution: present(p) ? share * shares[i] * (p.score! - 50) : null,
        values: p.values,
      }
      return {
        ...base,
        ...(p.error === undefined ? {} : { error: p.error }),
        ...(p.reason === undefined ? {} : { reason: p.reason }),
      }
    })
    const score = Number.isNaN(componentScores[ci]) ? null : componentScores[ci]
    if (score === null && componentWeights[ci] > 0) unavailable.push(c)
    components[c] = {
      score,
      weight: share,
      configuredWeight: componentWeights[ci],
      plugins,
      partial: plugins.some((p) => p.score === null),
    }
  })

  const score = Number.isNaN(final) ? null : final
  return {
    score,
    direction: score === null ? null : directionOf(score, band),
    consensus,
    confidence,
    components,
    timeframe: options.timeframe,
    time: options.time,
    partial: missing.length > 0 || unavailable.length > 0,
    missing,
    unavailable,
    interpretation: oracleInterpret(
      score,
      COMPONENTS.map((c) => ({
        name: c,
        score: components[c].score,
        weight: components[c].weight,
        enabled: componentWeights[COMPONENTS.indexOf(c)] > 0,
      })),
      band,
    ),
  }
}

interface RollUpOptions {
  readonly neutralBand?: number
  readonly mean?: WeightedMean
}

/**
 * `timeframeWeights`: the timeframes taking part and their weights (others are ignored); default
 * 1m .4, 5m .3, 30m .2, 4h .1. Per-component scores roll up with the same weights, each
 * re-normalised over the timeframes where that component had a score.
 */
export const oracleRollUp = (
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
  const overall = mean(scores, weights)
  const { consensus, confidence } = oracleSpread(scores, weights, mean)

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
    frames.forEach((tf, i) => {
      componentScores[i] = byFrame.get(tf)?.components[c]?.score ?? Number.NaN
    })
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
    interpretation: oracleInterpret(
      score,
      frames.map((tf) => ({ name: tf, score: timeframes[tf]!.score, weight: timeframes[tf]!.weight, enabled: true })),
      band,
    ),
  }
}
