export { Analysis, type AnalysisStats } from "./analysis.ts"
export * from "./confluence/index.ts"
export { componentSelection, type ComponentSelection } from "./weights.ts"
export { componentsOf, fromSummary, summaryOf, type ConfluenceSummary } from "./summary.ts"
