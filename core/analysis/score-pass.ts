/**
 * @module The synchronous parts of one scoring pass (`analysis.ts` runs the plugins): the plugin
 * contexts of a plan's series, grouped by symbol as the host takes them, and each symbol's
 * per-series confluence and roll-ups, made as its outcomes come in.
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

/** How many of the contexts score each timeframe (the per-timeframe computation metrics). */
export const countsByTimeframe = (all: ReadonlyArray<BaseContext>): Map<Timeframe, number> => {
  const perFrame = new Map<Timeframe, number>()
  for (const c of all) perFrame.set(c.timeframe, (perFrame.get(c.timeframe) ?? 0) + 1)
  return perFrame
}

/**
 * The folds and roll-ups of one pass, done symbol by symbol as each symbol's outcomes come in
 * (`settle`, while other symbols' plugins may still run) and handed out in event order once
 * they all have (`finish`). A symbol's roll-ups read only its own per-timeframe results, put in
 * place step by step in event order, so doing a symbol's steps early gives what doing every
 * step in order gives.
 */
export const makeScorePass = (
  plan: ScorePlan,
  groups: ReadonlyArray<SymbolGroup>,
  symbols: ReadonlyMap<string, SymbolInputs>,
  perTimeframe: Map<string, Map<Timeframe, ConfluenceResult>>,
  weights: FoldOptions["weights"],
  timeframeWeights: Readonly<Partial<Record<Timeframe, number>>>,
) => {
  const groupOf = new Map<string, number>()
  for (let g = 0; g < groups.length; g++) groupOf.set(groups[g]!.symbol, g)
  /** By group: the indices of its steps, in event order. */
  const stepsOf: Array<Array<number>> = groups.map(() => [])
  for (let k = 0; k < plan.steps.length; k++) stepsOf[groupOf.get(plan.steps[k]!.symbol)!]!.push(k)
  /** By step: the symbol's overall score after it. */
  const overall = new Array<SymbolConfluence | undefined>(plan.steps.length)
  const settled = new Uint8Array(groups.length)

  /** Group `g`'s outcomes (`outcomes[k]`: frame k) folded and its steps rolled up. */
  const settle = (g: number, outcomes: ReadonlyArray<ReadonlyArray<IndicatorOutcome>>): void => {
    if (settled[g] === 1) return
    settled[g] = 1
    const { symbol, frames } = groups[g]!
    const inputs = symbols.get(symbol)!
    const results = new Map<Timeframe, ConfluenceResult>()
    for (let k = 0; k < frames.length; k++) {
      const timeframe = frames[k]!
      const time = inputs.series.get(timeframe)!.last
      results.set(timeframe, foldConfluence(outcomes[k]!, { timeframe, time, weights }))
    }
    let byTimeframe = perTimeframe.get(symbol)
    if (!byTimeframe) perTimeframe.set(symbol, (byTimeframe = new Map()))
    for (const k of stepsOf[g]!) {
      for (const tf of plan.steps[k]!.frames) byTimeframe.set(tf, results.get(tf)!)
      overall[k] = rollUpTimeframes(symbol, byTimeframe, timeframeWeights)
    }
  }

  /** Settles any group not yet settled from the pass's outcomes, then hands out every step's score in event order. */
  const finish = (
    outcomes: ReadonlyArray<ReadonlyArray<ReadonlyArray<IndicatorOutcome>>>,
    onOverall: (overall: SymbolConfluence) => void,
  ): void => {
    for (let g = 0; g < groups.length; g++) settle(g, outcomes[g]!)
    for (let k = 0; k < overall.length; k++) onOverall(overall[k]!)
  }

  return { settle, finish }
}
