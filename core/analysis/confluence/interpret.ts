/**
 * @module The one-line human reading of a score, e.g.
 * "bullish 63: technical 71, orderflow 68; orderbook neutral; volume 41 against; sentiment unavailable".
 * Supporting parts are listed strongest first (by their weighted pull on the score).
 */
import { directionOf } from "./weights.ts"

export interface Part {
  readonly name: string
  readonly score: number | null
  /** Share of the overall score, used to order parts by how much they pull it. */
  readonly weight: number
  /** Disabled parts (configured weight 0) are left out of the line. */
  readonly enabled: boolean
}

const label = (name: string) => name.replace(/_/g, " ")
const round = (x: number) => Math.round(x).toString()

export const interpretComponents = (score: number | null, parts: ReadonlyArray<Part>, band: number): string => {
  const shown = parts.filter((p) => p.enabled)
  const unavailable = shown.filter((p) => p.score === null).map((p) => `${label(p.name)} unavailable`)
  if (score === null) return `no score: ${shown.length === 0 ? "nothing enabled" : "no data for " + shown.map((p) => label(p.name)).join(", ")}`
  const direction = directionOf(score, band)
  const scored = shown
    .filter((p): p is Part & { score: number } => p.score !== null)
    .sort((a, b) => b.weight * Math.abs(b.score - 50) - a.weight * Math.abs(a.score - 50))
  const bullish = scored.filter((p) => directionOf(p.score, band) === "bullish").map((p) => `${label(p.name)} ${round(p.score)}`)
  const bearish = scored.filter((p) => directionOf(p.score, band) === "bearish").map((p) => `${label(p.name)} ${round(p.score)}`)
  const neutral = scored.filter((p) => directionOf(p.score, band) === "neutral").map((p) => label(p.name))
  const groups: Array<string> = []
  if (direction === "bullish") {
    if (bullish.length > 0) groups.push(bullish.join(", "))
    if (bearish.length > 0) groups.push(`${bearish.join(", ")} against`)
  } else if (direction === "bearish") {
    if (bearish.length > 0) groups.push(bearish.join(", "))
    if (bullish.length > 0) groups.push(`${bullish.join(", ")} against`)
  } else {
    if (bullish.length > 0) groups.push(`bullish ${bullish.join(", ")}`)
    if (bearish.length > 0) groups.push(`bearish ${bearish.join(", ")}`)
  }
  if (neutral.length > 0) groups.push(`${neutral.join(", ")} neutral`)
  groups.push(...unavailable)
  return `${direction} ${round(score)}: ${groups.join("; ")}`
}
