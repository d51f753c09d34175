/** @module What the `analysis` config says to score: enabled components and their weights. */
import type { VirtuosoConfig } from "../config/index.ts"
import type { Component } from "../plugins/index.ts"

export interface ComponentSelection {
  /** Components whose plugins run. */
  readonly enabled: ReadonlySet<Component>
  /** Configured weight per component; 0 for a disabled one (the fold redistributes it). */
  readonly weights: Readonly<Record<Component, number>>
}

export const componentSelection = (analysis: VirtuosoConfig["analysis"]): ComponentSelection => {
  const entries = Object.entries(analysis.components) as Array<[Component, { enabled: boolean; weight: number }]>
  return {
    enabled: new Set(entries.filter(([, setting]) => setting.enabled).map(([name]) => name)),
    weights: Object.fromEntries(
      entries.map(([name, setting]) => [name, setting.enabled ? setting.weight : 0]),
    ) as Record<Component, number>,
  }
}
