export {
  makeResidentEngine,
  type ResidentEngine,
  type ResidentEngineOptions,
  type SeriesId,
  type CandleColumns,
} from "./resident-engine.ts"
export { ENGINE_FUNCTIONS, FULL_SET, type IndicatorConfig, type IndicatorSet } from "./plan.ts"
