/** @module Declared indicator inputs: the SDK side (`declare.ts`) and the host side (resolution, engine). */
export {
  input,
  type InputDeclaration,
  type InputDeclarations,
  type InputOptions,
  type InputsDeclaration,
  type InputValues,
} from "./declare.ts"
export { inputsOf, MAX_HISTORY, resolveInputs, type ResolvedInput, type ResolvedInputs } from "./resolve.ts"
export {
  makeInputEngine,
  type InputEngine,
  type InputEngineOptions,
  type InputEngineStats,
  type SeriesCandles,
} from "./input-engine.ts"
