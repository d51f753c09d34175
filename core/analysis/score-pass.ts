/**
 * @module The synchronous halves of one scoring pass (`analysis.ts` runs the plugins between
 * them): the plugin contexts of a plan's series, grouped by symbol as the host takes them, and
 * the per-series confluence of each context's outcomes.
 *
 * Plain functions rather than steps of the pass's Effect generator: a generator's body is
 * compiled as one state machine, and the pass's loops inside it made the engine's optimising
 * compiler redo a large unit whenever it re-optimised the pass; here they compile on their own.
 */
import type { ResidentCandles } from "../market/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import type { BaseContext, IndicatorOutcome } from "../plugins/index.ts"
import {
  foldConfluence,
  rollUpTimeframes,
  type ConfluenceResult,
  type FoldOptions,
  type SymbolConfluence,
} from "./confluence/index.ts"
import type { SymbolInputs } from "./market-state.ts"
import { contextOf } from "./plugin-context.ts"
import type { ScorePlan } from "./score-plan.ts"

/** One symbol's series in a pass: its timeframes and their contexts, in the same order. */
export interface SymbolGroup {
  readonly symbol: string
  readonly frames: ReadonlyArray<Timeframe>
  readonly ctxs: ReadonlyArray<BaseContext>
}

/** The contexts of every series the plan scores, by symbol, and all of them in one list. */
export const contextsOf = (
  resident: ResidentCandles["Service"],
  symbols: ReadonlyMap<string, SymbolInputs>,
  plan: ScorePlan,
): { readonly groups: ReadonlyArray<SymbolGroup>; readonly all: ReadonlyArray<BaseContext> } => {
  const groups: Array<SymbolGroup> = []
  const all: Array<BaseContext> = []
  for (const [symbol, frames] of plan.series) {
    const inputs = symbols.get(symbol)!
    const market = plan.markets.get(symbol)
    const ctxs = frames.map((tf) => contextOf(resident, inputs, tf, market))
    groups.push({ symbol, frames, ctxs })
    for (const c of ctxs) all.push(c)
  }
  return { groups, all }
}

/** Each group's per-timeframe confluence from its outcomes (`outcomes[g][k]`: group g, frame k). */
export const foldGroups = (
  groups: ReadonlyArray<SymbolGroup>,
  outcomes: ReadonlyArray<ReadonlyArray<ReadonlyArray<IndicatorOutcome>>>,
  symbols: ReadonlyMap<string, SymbolInputs>,
  weights: FoldOptions["weights"],
): Map<string, Map<Timeframe, ConfluenceResult>> => {
  const fresh = new Map<string, Map<Timeframe, ConfluenceResult>>()
  for (let g = 0; g < groups.length; g++) {
    const { symbol, frames } = groups[g]!
    const scored = outcomes[g]!
    const inputs = symbols.get(symbol)!
    const results = new Map<Timeframe, ConfluenceResult>()
    for (let k = 0; k < frames.length; k++) {
      const timeframe = frames[k]!
      const time = inputs.series.get(timeframe)!.last
      results.set(timeframe, foldConfluence(scored[k]!, { timeframe, time, weights }))
    }
    fresh.set(symbol, results)
  }
  return fresh
}

/** How many of the contexts score each timeframe (the per-timeframe computation metrics). */
export const countsByTimeframe = (all: ReadonlyArray<BaseContext>): Map<Timeframe, number> => {
  const perFrame = new Map<Timeframe, number>()
  for (const c of all) perFrame.set(c.timeframe, (perFrame.get(c.timeframe) ?? 0) + 1)
  return perFrame
}

/**
 * The pass's roll-ups step by step, in event order: each step's fresh per-timeframe results put
 * in place in `perTimeframe`, then the symbol's overall score handed to `onOverall`.
 */
export const rollUpSteps = (
  steps: ScorePlan["steps"],
  fresh: ReadonlyMap<string, ReadonlyMap<Timeframe, ConfluenceResult>>,
  perTimeframe: Map<string, Map<Timeframe, ConfluenceResult>>,
  weights: Readonly<Partial<Record<Timeframe, number>>>,
  onOverall: (overall: SymbolConfluence) => void,
): void => {
  for (const { symbol, frames } of steps) {
    let byTimeframe = perTimeframe.get(symbol)
    if (!byTimeframe) perTimeframe.set(symbol, (byTimeframe = new Map()))
    const results = fresh.get(symbol)!
    for (const tf of frames) byTimeframe.set(tf, results.get(tf)!)
    onOverall(rollUpTimeframes(symbol, byTimeframe, weights))
  }
}
