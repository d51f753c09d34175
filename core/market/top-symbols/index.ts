/** @module TopSymbols: which symbols to track (ranking, filters, hysteresis) and keeping streams in step. */
export { followSymbols } from "./follow.ts"
export {
  EMPTY_SELECTION,
  selectTopSymbols,
  type TopSymbolsOptions,
} from "./select.ts"
export {
  makeTopSymbols,
  type SymbolsChange,
  type TopSymbolsHandle,
} from "./top-symbols.ts"
