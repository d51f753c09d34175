/** @module Confluence: pure folding of plugin outcomes into component, timeframe and symbol scores. */
export { foldConfluence, type FoldOptions } from "./fold.ts"
export { rollUpTimeframes } from "./timeframes.ts"
export { interpretComponents } from "./interpret.ts"
export { spread } from "./spread.ts"
export { weightedMeanTs, weightedMeanWasm, type WeightedMean } from "./math.ts"
export { DEFAULT_COMPONENT_WEIGHTS, DEFAULT_NEUTRAL_BAND, DEFAULT_TIMEFRAME_WEIGHTS, directionOf } from "./weights.ts"
export type * from "./types.ts"
export { contributionsOf, detailOf, interpretationOf } from "./detail.ts"
