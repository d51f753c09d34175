/**
 * @module Rendezvous (highest-random-weight) hashing: each symbol goes to the live instance
 * with the highest hash(symbol, instance). Every instance computes the same split from the
 * same live list with no coordination, and when one instance joins or leaves only the symbols
 * it wins or held move (≈1/n of them).
 */

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so nearby strings spread. */
const hash32 = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The owner of one symbol among `instances` (undefined when there is none). */
export const ownerOf = (symbol: string, instances: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestScore = -1
  for (const instance of instances) {
    const score = hash32(`${symbol}\u0000${instance}`)
    // Ties (rare) go to the smaller id so every instance agrees.
    if (score > bestScore || (score === bestScore && best !== undefined && instance < best)) {
      best = instance
      bestScore = score
    }
  }
  return best
}

/** symbol → owner for every symbol. */
export const assign = (symbols: ReadonlyArray<string>, instances: ReadonlyArray<string>): Map<string, string> => {
  const out = new Map<string, string>()
  for (const symbol of symbols) {
    const owner = ownerOf(symbol, instances)
    if (owner !== undefined) out.set(symbol, owner)
  }
  return out
}

export interface Handover {
  readonly symbol: string
  readonly from: string | undefined
  readonly to: string | undefined
}

/** The symbols whose owner differs between two assignments. */
export const diffAssignments = (
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Array<Handover> => {
  const out: Array<Handover> = []
  for (const symbol of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(symbol)
    const to = after.get(symbol)
    if (from !== to) out.push({ symbol, from, to })
  }
  return out
}
