export { Analysis } from "./analysis.ts"
export * from "./confluence/index.ts"

export { componentsOf, fromSummary, summaryOf, type ConfluenceSummary } from "./summary.ts"
