export { makeResidentEngine } from "./resident-engine.ts"
export type { ResidentEngine, ResidentEngineOptions, SeriesId, CandleColumns } from "./engine-types.ts"
export { ENGINE_FUNCTIONS, FULL_SET, type IndicatorConfig, type IndicatorSet } from "./plan.ts"
