/**
 * @module Checking what a plugin's `compute` returned. Shared by the host (inline plugins) and
 * the plugin worker, so a result is judged by the same rules wherever the plugin runs.
 */

const describe = (v: unknown): string => {
  if (typeof v === "string") return JSON.stringify(v)
  if (v === null || typeof v !== "object") return String(v)
  return Array.isArray(v) ? "an array" : "an object"
}

/** What is wrong with a compute result, or null when it is a valid one. */
export const problemWith = (result: unknown): string | null => {
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    return `compute returned ${describe(result)}, expected { score, values? }`
  }
  if (typeof (result as { then?: unknown }).then === "function")
    return "compute returned a Promise; compute must be synchronous"
  const { score, values } = result as { score?: unknown; values?: unknown }
  if (score === undefined) return "result has no score (return score: null when data is missing)"
  if (score !== null) {
    if (typeof score !== "number") return `score must be a number or null, got ${describe(score)}`
    if (Number.isNaN(score)) return "score is NaN"
    if (!(score >= 0 && score <= 100)) return `score ${score} is outside [0, 100]`
  }
  if (values !== undefined && (values === null || typeof values !== "object" || Array.isArray(values))) {
    return `values must be an object of numbers, got ${describe(values)}`
  }
  return null
}

export const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))
