/**
 * Small deterministic random sources for the simulated exchange. The same seed gives the same
 * market on every machine, which is what makes sim runs reproducible in tests and demos.
 */

/** mulberry32: 32-bit state, fast, good enough for market simulation (not for cryptography). */
export const makeRng = (seed: number) => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Standard normal via Box–Muller (one value per call; the twin is dropped for simplicity). */
  const gaussian = (): number => {
    const u = Math.max(next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
  }
  /** The whole state: `makeRng(rng.state())` continues the same sequence. */
  const snapshot = (): number => state
  return { next, gaussian, state: snapshot }
}

/** A stable 32-bit hash of a string (FNV-1a), to derive per-symbol and per-minute seeds. */
export const hashString = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** A seed for one (symbol, minute, purpose) triple, so any minute can be regenerated alone. */
export const seedFor = (seed: number, symbol: string, minute: number, purpose: number): number =>
  hashString(`${seed}:${symbol}:${minute}:${purpose}`)
