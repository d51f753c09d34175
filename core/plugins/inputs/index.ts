/** @module Declared indicator inputs: the SDK side (`declare.ts`) and the host side (resolution, engine). */
export { input } from "./declare.ts"
export { inputsOf, resolveInputs, type ResolvedInputs } from "./resolve.ts"
export {
  makeInputEngine,
  type InputEngineStats,
  type SeriesCandles,
} from "./input-engine.ts"
