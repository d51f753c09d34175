export { Analysis, type AnalysisStats } from "./analysis.ts"
export * from "./confluence/index.ts"
