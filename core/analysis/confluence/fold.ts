/**
 * @module Folds one context's plugin outcomes into a confluence result: plugin scores → component
 * scores (weighted mean over the component's working plugins) → final score (weighted mean over
 * the available components). Missing data is never replaced by a neutral 50: a plugin without a
 * score drops out of its component, a component without a score drops out of the final score,
 * and the result says so (`partial`, `missing`, `unavailable`).
 *
 * This runs once per (symbol, timeframe) per cycle, so the default path is one pass: the
 * outcomes' scores, weights and components are written straight into kernel memory and one WASM
 * call (`foldScores`, wasm/assembly/confluence-batch.ts) returns every component's mean, the
 * final score and the spread; the only allocations left are the (plain) result objects. With
 * `mean` given, every aggregation goes through that function instead (the reference path the
 * tests compare against); both paths do the same operations in the same order.
 */
import { COMPONENTS, type Component, type Timeframe } from "../../plugins/index.ts"
import type { WeightedMean } from "./math.ts"
import { makeResidentBlock, type Block } from "./resident-block.ts"
import { spread, type Spread } from "./spread.ts"
import type { ComponentResult, ConfluenceResult, PluginScore } from "./types.ts"
import { DEFAULT_COMPONENT_WEIGHTS, DEFAULT_NEUTRAL_BAND, directionOf } from "./weights.ts"

export interface FoldOptions {
  readonly timeframe: Timeframe
  /** Epoch ms the result describes. */
  readonly time: number
  /** Overrides of the default component weights; 0 disables a component. */
  readonly weights?: Readonly<Partial<Record<Component, number>>>
  readonly neutralBand?: number
  /**
   * Route every aggregation through this kernel (e.g. `weightedMeanTs`, the plain-TS reference).
   * Default: one WASM `foldScores` call per fold; the result is the same.
   */
  readonly mean?: WeightedMean
}

const NC = COMPONENTS.length
export const INDEX: Readonly<Record<string, number>> = Object.fromEntries(COMPONENTS.map((c, i) => [c, i]))

export const present = (p: PluginScore): boolean => p.status === "ok" && p.score !== null && Number.isFinite(p.score)

const block = makeResidentBlock()
const NO_SPREAD: Spread = Object.freeze({ consensus: null, confidence: null })

/** Configured component weights as the fold uses them: defaults, overrides, negatives → 0. */
const componentWeightsOf = (overrides: FoldOptions["weights"], into: Float64Array): Float64Array => {
  for (let ci = 0; ci < NC; ci++) {
    const c = COMPONENTS[ci]
    // An override present with `undefined` counts as 0, as a spread of the overrides would give.
    const v = overrides !== undefined && Object.hasOwn(overrides, c) ? overrides[c] : DEFAULT_COMPONENT_WEIGHTS[c]
    into[ci] = Math.max(0, v ?? 0)
  }
  return into
}

/**
 * The numeric fold in one `foldScores` call over inputs already written into `blk` (at `base`:
 * n scores with NaN for none, n weights, n component indexes, then the component weights);
 * the component means land in `means` and the final score and spread are returned.
 */
const foldNumbers = (blk: Block, n: number, means: Float64Array): { final: number; spread: Spread } => {
  const { heap, base, kernels } = blk
  const cw = base + 3 * n
  const out = cw + NC
  kernels.foldScores(base << 3, (base + n) << 3, (base + 2 * n) << 3, n, cw << 3, NC, out << 3)
  for (let ci = 0; ci < NC; ci++) means[ci] = heap[out + ci]
  const final = heap[out + 2 * NC]
  const centre = heap[out + 2 * NC + 1]
  if (Number.isNaN(centre)) return { final, spread: NO_SPREAD }
  // exp stays in JS so the result matches the reference path's Math.exp bit for bit.
  const consensus = Math.exp(-2 * heap[out + 2 * NC + 2])
  return { final, spread: { consensus, confidence: Math.abs(centre) * consensus } }
}

/** The reference path: one `mean` call per component over its own plugins. */
const componentMeansWith = (
  groups: ReadonlyArray<ReadonlyArray<PluginScore>>,
  mean: WeightedMean,
  means: Float64Array,
): void => {
  for (let ci = 0; ci < NC; ci++) {
    const plugins = groups[ci]
    const scores = new Float64Array(plugins.length)
    const weights = new Float64Array(plugins.length)
    for (let i = 0; i < plugins.length; i++) {
      scores[i] = present(plugins[i]) ? plugins[i].score! : Number.NaN
      weights[i] = plugins[i].weight
    }
    means[ci] = plugins.length === 0 ? Number.NaN : mean(scores, weights)
  }
}

// Scratch for the default path (synchronous, and not re-entered: no user code runs inside it).
const CW = new Float64Array(NC)
const MEANS = new Float64Array(NC)
const SCORED = new Float64Array(NC)
const OK_WEIGHT = new Float64Array(NC)
let COMPONENT_OF = new Int8Array(64)
const MISSING_COUNT = new Int32Array(NC)

export const foldConfluence = (outcomes: ReadonlyArray<PluginScore>, options: FoldOptions): ConfluenceResult => {
  const band = options.neutralBand ?? DEFAULT_NEUTRAL_BAND
  const reference = options.mean !== undefined
  const componentWeights = componentWeightsOf(options.weights, reference ? new Float64Array(NC) : CW)
  const componentScores = reference ? new Float64Array(NC) : MEANS
  const scored = reference ? new Float64Array(NC) : SCORED
  const okWeight = reference ? new Float64Array(NC) : OK_WEIGHT

  // Each outcome's component index (−1: not a component, ignored) and each component's weight
  // of plugins with a score, summed in outcome order as the per-component path does.
  const n = outcomes.length
  if (COMPONENT_OF.length < n) COMPONENT_OF = new Int8Array(Math.max(n, COMPONENT_OF.length * 2))
  const componentOf = reference ? new Int8Array(n) : COMPONENT_OF
  okWeight.fill(0)
  // Plugins without a score, per component: `missing` lists them component by component, each
  // in outcome order (what walking the contribution lists gives).
  const missingCount = reference ? new Int32Array(NC) : MISSING_COUNT
  missingCount.fill(0)
  // The default path writes the kernel's inputs in the same pass, straight into WASM memory.
  const blk = reference ? undefined : block.reserve(3 * n + 3 * NC + 3)
  const heap = blk?.heap
  const base = blk?.base ?? 0
  for (let i = 0; i < n; i++) {
    const o = outcomes[i]
    const ci = INDEX[o.component] ?? -1
    const ok = present(o)
    componentOf[i] = ci
    if (ci >= 0 && ok) okWeight[ci] += o.weight
    else if (!ok && componentOf[i] >= 0) missingCount[componentOf[i]]++
    if (heap !== undefined) {
      heap[base + i] = ok ? o.score! : Number.NaN
      heap[base + n + i] = o.weight
      heap[base + 2 * n + i] = ci
    }
  }

  let final: number
  let sp: Spread
  if (blk !== undefined) {
    for (let ci = 0; ci < NC; ci++) blk.heap[base + 3 * n + ci] = componentWeights[ci]
    ;({ final, spread: sp } = foldNumbers(blk, n, componentScores))
    for (let ci = 0; ci < NC; ci++) scored[ci] = componentWeights[ci] > 0 ? componentScores[ci] : Number.NaN
  } else {
    const groups: Array<Array<PluginScore>> = COMPONENTS.map(() => [])
    for (let i = 0; i < n; i++) if (componentOf[i] >= 0) groups[componentOf[i]].push(outcomes[i])
    componentMeansWith(groups, options.mean!, componentScores)
    // A component with weight 0 is disabled: it takes no part in the score or the spread.
    for (let ci = 0; ci < NC; ci++) scored[ci] = componentWeights[ci] > 0 ? componentScores[ci] : Number.NaN
    final = options.mean!(scored, componentWeights)
    sp = spread(scored, componentWeights, options.mean!)
  }
  let availableWeight = 0
  for (let ci = 0; ci < NC; ci++) if (!Number.isNaN(scored[ci])) availableWeight += componentWeights[ci]

  // The result is plain data: the per-plugin contribution lists and the interpretation line are
  // derived from `outcomes` on demand (`detail.ts`) by the few readers that want them.
  const outcomesCopy = outcomes.slice()
  const missing: Array<string> = []
  const unavailable: Array<Component> = []
  const components = {} as Record<Component, ComponentResult>
  for (let ci = 0; ci < NC; ci++) {
    const c = COMPONENTS[ci]
    if (missingCount[ci] > 0) {
      for (let i = 0; i < n; i++) if (componentOf[i] === ci && !present(outcomes[i])) missing.push(outcomes[i].name)
    }
    const score = Number.isNaN(componentScores[ci]) ? null : componentScores[ci]
    const share = Number.isNaN(scored[ci]) || availableWeight === 0 ? 0 : componentWeights[ci] / availableWeight
    if (score === null && componentWeights[ci] > 0) unavailable.push(c)
    components[c] = { score, weight: share, configuredWeight: componentWeights[ci], partial: missingCount[ci] > 0 }
  }

  const score = Number.isNaN(final) ? null : final
  return {
    score,
    direction: score === null ? null : directionOf(score, band),
    consensus: sp.consensus,
    confidence: sp.confidence,
    components,
    timeframe: options.timeframe,
    time: options.time,
    partial: missing.length > 0 || unavailable.length > 0,
    missing,
    unavailable,
    neutralBand: band,
    outcomes: outcomesCopy,
  }
}
