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

const labels = new Map<string, string>()
/** "price_structure" → "price structure"; cached, since the names are components and timeframes. */
const label = (name: string): string => {
  let l = labels.get(name)
  if (l === undefined) {
    l = name.replace(/_/g, " ")
    if (labels.size < 256) labels.set(name, l)
  }
  return l
}
const round = (x: number) => Math.round(x).toString()

// "technical 71" and "bullish 63:" for whole-number scores 0…100, built once: a fold writes a
// handful of these per context, and formatting numbers dominates building the line.
const texts = new Map<string, Array<string | undefined>>()
const scoreText = (name: string, score: number): string => {
  const r = Math.round(score)
  if (!(r >= 0 && r <= 100)) return `${label(name)} ${round(score)}`
  let row = texts.get(name)
  if (row === undefined) {
    row = new Array(101)
    if (texts.size < 256) texts.set(name, row)
  }
  return (row[r] ??= `${label(name)} ${r}`)
}
const heads = new Map<string, Array<string | undefined>>()
const headText = (direction: string, score: number): string => {
  const r = Math.round(score)
  if (!(r >= 0 && r <= 100)) return `${direction} ${round(score)}:`
  let row = heads.get(direction)
  if (row === undefined) heads.set(direction, (row = new Array(101)))
  return (row[r] ??= `${direction} ${r}:`)
}

/** Strength of a part's pull on the score; parts are listed strongest first. */
const pull = (p: Part & { score: number }) => p.weight * Math.abs(p.score - 50)

/**
 * Enabled, scored parts strongest first; ties keep their order (what a stable sort by descending
 * pull gives). An insertion sort, as there are at most a handful of parts and this runs per fold.
 */
const byPull = (parts: ReadonlyArray<Part>): Array<Part & { score: number }> => {
  const out: Array<Part & { score: number }> = []
  const keys: Array<number> = []
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (!p.enabled || p.score === null) continue
    const key = pull(p as Part & { score: number })
    // A NaN pull makes the comparison inconsistent; leave such input to the library sort.
    if (Number.isNaN(key))
      return parts
        .filter((q): q is Part & { score: number } => q.enabled && q.score !== null)
        .sort((a, b) => pull(b) - pull(a))
    let j = out.length
    out.push(p as Part & { score: number })
    keys.push(key)
    while (j > 0 && keys[j - 1] < key) {
      out[j] = out[j - 1]
      keys[j] = keys[j - 1]
      j--
    }
    out[j] = p as Part & { score: number }
    keys[j] = key
  }
  return out
}

export const interpretComponents = (score: number | null, parts: ReadonlyArray<Part>, band: number): string => {
  if (score === null) {
    const shown = parts.filter((p) => p.enabled)
    if (shown.length === 0) return "no score: nothing enabled"
    return `no score: no data for ${shown.map((p) => label(p.name)).join(", ")}`
  }
  const direction = directionOf(score, band)
  let bullish = ""
  let bearish = ""
  let neutral = ""
  const ordered = byPull(parts)
  for (let i = 0; i < ordered.length; i++) {
    const p = ordered[i]
    const d = directionOf(p.score, band)
    if (d === "bullish")
      bullish = bullish === "" ? scoreText(p.name, p.score) : `${bullish}, ${scoreText(p.name, p.score)}`
    else if (d === "bearish")
      bearish = bearish === "" ? scoreText(p.name, p.score) : `${bearish}, ${scoreText(p.name, p.score)}`
    else neutral = neutral === "" ? label(p.name) : `${neutral}, ${label(p.name)}`
  }
  let line = headText(direction, score)
  let first = true
  const add = (group: string) => {
    line += first ? ` ${group}` : `; ${group}`
    first = false
  }
  if (direction === "bullish") {
    if (bullish !== "") add(bullish)
    if (bearish !== "") add(`${bearish} against`)
  } else if (direction === "bearish") {
    if (bearish !== "") add(bearish)
    if (bullish !== "") add(`${bullish} against`)
  } else {
    if (bullish !== "") add(`bullish ${bullish}`)
    if (bearish !== "") add(`bearish ${bearish}`)
  }
  if (neutral !== "") add(`${neutral} neutral`)
  for (const p of parts) if (p.enabled && p.score === null) add(`${label(p.name)} unavailable`)
  return first ? `${line} ` : line
}
