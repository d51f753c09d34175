export { makeResidentEngine, type ResidentEngine, type ResidentEngineOptions, type SeriesId, type CandleColumns } from "./resident-engine.ts"
export { ENGINE_FUNCTIONS, type IndicatorConfig, type IndicatorSet } from "./plan.ts"
