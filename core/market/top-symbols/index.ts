/** @module TopSymbols: which symbols to track (ranking, filters, hysteresis) and keeping streams in step. */
export { followSymbols } from "./follow.ts"
export {
  EMPTY_SELECTION,
  quoteOf,
  selectTopSymbols,
  TOP_SYMBOLS_DEFAULTS,
  type Selection,
  type TopSymbolsOptions,
} from "./select.ts"
export {
  makeTopSymbols,
  TopSymbols,
  type SymbolsChange,
  type TopSymbolsConfig,
  type TopSymbolsHandle,
  type TopSymbolsStats,
} from "./top-symbols.ts"
