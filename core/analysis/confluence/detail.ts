/**
 * @module The parts of a confluence result that only some readers want — each plugin's
 * contribution and the interpretation line — derived from the plain result on demand. The fold
 * leaves them out so a cycle allocates one small object per series; the API and the signal
 * engine call these for the one symbol they are answering about.
 */
import { COMPONENTS, type Component } from "../../plugins/index.ts"
import { INDEX, present } from "./fold.ts"
import { interpretComponents, type Part } from "./interpret.ts"
import type { ComponentDetail, ConfluenceDetail, ConfluenceResult, PluginContribution, PluginScore } from "./types.ts"

const contributionOf = (p: PluginScore, ok: boolean, weight: number, share: number): PluginContribution => {
  const score = ok ? p.score : null
  const contribution = ok ? share * weight * (p.score! - 50) : null
  const base = { name: p.name, status: p.status, score, weight, contribution, values: p.values }
  if (p.error === undefined) return p.reason === undefined ? base : { ...base, reason: p.reason }
  return p.reason === undefined ? { ...base, error: p.error } : { ...base, error: p.error, reason: p.reason }
}

/** One component's plugins in outcome order: share within the component and points moved. */
export const contributionsOf = (result: ConfluenceResult, component: Component): Array<PluginContribution> => {
  const ci = INDEX[component]!
  const outcomes = result.outcomes
  // The weight of the component's plugins with a score, summed in outcome order as the fold does.
  let okWeight = 0
  for (const p of outcomes) if ((INDEX[p.component] ?? -1) === ci && present(p)) okWeight += p.weight
  const share = result.components[component].weight
  const list: Array<PluginContribution> = []
  for (const p of outcomes) {
    // `| 0` as the fold's Int8Array component indexes store it.
    if (((INDEX[p.component] ?? -1) | 0) !== ci) continue
    const ok = present(p)
    list.push(contributionOf(p, ok, ok && okWeight > 0 ? p.weight / okWeight : 0, share))
  }
  return list
}

/** "bullish 63: technical 71, orderflow 68; orderbook neutral; …" for one series. */
export const interpretationOf = (result: ConfluenceResult): string => {
  const parts: Array<Part> = []
  for (const c of COMPONENTS) {
    const r = result.components[c]
    parts.push({ name: c, score: r.score, weight: r.weight, enabled: r.configuredWeight > 0 })
  }
  return interpretComponents(result.score, parts, result.neutralBand)
}

/** The result with every component's contributions and the interpretation spelled out. */
export const detailOf = (result: ConfluenceResult): ConfluenceDetail => {
  const { components, neutralBand: _band, outcomes: _outcomes, ...rest } = result
  const detailed = {} as Record<Component, ComponentDetail>
  for (const c of COMPONENTS) detailed[c] = { ...components[c], plugins: contributionsOf(result, c) }
  return { ...rest, components: detailed, interpretation: interpretationOf(result) }
}
