/**
 * @module Folds one context's plugin outcomes into a confluence result: plugin scores → component
 * scores (weighted mean over the component's working plugins) → final score (weighted mean over
 * the available components). Missing data is never replaced by a neutral 50: a plugin without a
 * score drops out of its component, a component without a score drops out of the final score,
 * and the result says so (`partial`, `missing`, `unavailable`).
 */
import { COMPONENTS, type Component, type Timeframe } from "../../plugins/index.ts"
import { interpretComponents } from "./interpret.ts"
import { weightedMeanWasm, type WeightedMean } from "./math.ts"
import { spread } from "./spread.ts"
import type { ComponentResult, ConfluenceResult, PluginContribution, PluginScore } from "./types.ts"
import { DEFAULT_COMPONENT_WEIGHTS, DEFAULT_NEUTRAL_BAND, directionOf } from "./weights.ts"

export interface FoldOptions {
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

export const foldConfluence = (outcomes: ReadonlyArray<PluginScore>, options: FoldOptions): ConfluenceResult => {
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
    plugins.forEach((p, i) => { shares[i] = present(p) && okWeight > 0 ? p.weight / okWeight : 0 })
    pluginShares.set(c, shares)
  })

  // A component with weight 0 is disabled: it takes no part in the score or the spread.
  const scored = componentScores.map((s, ci) => (componentWeights[ci] > 0 ? s : Number.NaN))
  const final = mean(scored, componentWeights)
  let availableWeight = 0
  scored.forEach((s, ci) => { if (!Number.isNaN(s)) availableWeight += componentWeights[ci] })
  const { consensus, confidence } = spread(scored, componentWeights, mean)

  const missing: Array<string> = []
  const unavailable: Array<Component> = []
  const components = {} as Record<Component, ComponentResult>
  COMPONENTS.forEach((c, ci) => {
    const share = Number.isNaN(scored[ci]) || availableWeight === 0 ? 0 : componentWeights[ci] / availableWeight
    const shares = pluginShares.get(c)!
    const plugins = byComponent.get(c)!.map((p, i): PluginContribution => {
      if (!present(p)) missing.push(p.name)
      const base = {
        name: p.name, status: p.status, score: present(p) ? p.score : null, weight: shares[i],
        contribution: present(p) ? share * shares[i] * (p.score! - 50) : null, values: p.values,
      }
      return { ...base, ...(p.error === undefined ? {} : { error: p.error }), ...(p.reason === undefined ? {} : { reason: p.reason }) }
    })
    const score = Number.isNaN(componentScores[ci]) ? null : componentScores[ci]
    if (score === null && componentWeights[ci] > 0) unavailable.push(c)
    components[c] = { score, weight: share, configuredWeight: componentWeights[ci], plugins, partial: plugins.some((p) => p.score === null) }
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
    interpretation: interpretComponents(score, COMPONENTS.map((c) => ({ name: c, score: components[c].score, weight: components[c].weight, enabled: componentWeights[COMPONENTS.indexOf(c)] > 0 })), band),
  }
}
