/**
 * @module Price-structure kernels: swing pivots, structure breaks (BOS/CHoCH), fair value gaps
 * and order blocks, each over candles [from, to) in one pass or close to it.
 *
 * Candidate WASM kernels: `swings`, `structureBreaks`, `fairValueGaps`.
 */

export interface Swings {
  /** Indices of confirmed swing highs / lows, ascending. */
  readonly highs: ReadonlyArray<number>
  readonly lows: ReadonlyArray<number>
}

/**
 * Fractal pivots: a swing high at i is strictly above the `width` highs before it and not below
 * the `width` highs after it (so a flat top counts once, at its first bar). Needs `width` bars
 * after the pivot, so the newest `width` bars are never pivots yet.
 */
export const swings = (
  high: ArrayLike<number>, low: ArrayLike<number>, width = 2, from = 0, to = high.length,
): Swings => {
  const highs: Array<number> = []
  const lows: Array<number> = []
  for (let i = from + width; i < to - width; i++) {
    let isHigh = true
    let isLow = true
    for (let k = 1; k <= width && (isHigh || isLow); k++) {
      if (!(high[i] > high[i - k]) || high[i] < high[i + k]) isHigh = false
      if (!(low[i] < low[i - k]) || low[i] > low[i + k]) isLow = false
    }
    if (isHigh) highs.push(i)
    if (isLow) lows.push(i)
  }
  return { highs, lows }
}

export interface StructureState {
  /** +1 up, -1 down, 0 no break seen in the window. */
  readonly trend: number
  /** Kind of the latest break: "bos" continues the trend, "choch" reverses it. */
  readonly event: "bos" | "choch" | "none"
  /** Bars since the latest break (0 = the last candle broke). */
  readonly age: number
  /** Level that was broken. */
  readonly level: number
}

/**
 * Replays closes against the latest confirmed swing levels: a close above the last unbroken
 * swing high is a break up — a change of character (CHoCH) when the trend was down, a break of
 * structure (BOS) otherwise; mirrored for lows. A pivot counts from the bar that confirms it.
 */
export const structureBreaks = (
  high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>,
  width = 2, from = 0, to = high.length,
): StructureState => {
  const piv = swings(high, low, width, from, to)
  let hi = 0
  let lo = 0
  let swingHigh = Number.NaN
  let swingLow = Number.NaN
  let trend = 0
  let event: StructureState["event"] = "none"
  let at = -1
  let level = Number.NaN
  for (let i = from; i < to; i++) {
    while (hi < piv.highs.length && piv.highs[hi] + width <= i) swingHigh = high[piv.highs[hi++]]
    while (lo < piv.lows.length && piv.lows[lo] + width <= i) swingLow = low[piv.lows[lo++]]
    if (close[i] > swingHigh) {
      event = trend === -1 ? "choch" : "bos"
      trend = 1
      at = i
      level = swingHigh
      swingHigh = Number.NaN
    } else if (close[i] < swingLow) {
      event = trend === 1 ? "choch" : "bos"
      trend = -1
      at = i
      level = swingLow
      swingLow = Number.NaN
    }
  }
  return { trend, event, age: at < 0 ? Number.NaN : to - 1 - at, level }
}

export interface Zone {
  /** +1 bullish (support), -1 bearish (resistance). */
  readonly dir: number
  readonly top: number
  readonly bottom: number
  /** Index of the candle that created it. */
  readonly index: number
  /** Size of what created it (gap height, or the impulse body), in price. */
  readonly size: number
}

/**
 * Unfilled fair value gaps: bullish when low[i] > high[i−2] (the middle candle left a hole),
 * filled once a later low trades down to the gap's bottom; bearish mirrored.
 */
export const fairValueGaps = (
  high: ArrayLike<number>, low: ArrayLike<number>, from = 0, to = high.length,
): ReadonlyArray<Zone> => {
  const open: Array<Zone> = []
  for (let i = from + 2; i < to; i++) {
    // Fill first: the gap created at i cannot be filled by candle i itself.
    for (let g = open.length - 1; g >= 0; g--) {
      const z = open[g]
      if ((z.dir > 0 && low[i] <= z.bottom) || (z.dir < 0 && high[i] >= z.top)) open.splice(g, 1)
    }
    if (low[i] > high[i - 2]) open.push({ dir: 1, top: low[i], bottom: high[i - 2], index: i, size: low[i] - high[i - 2] })
    else if (high[i] < low[i - 2]) open.push({ dir: -1, top: low[i - 2], bottom: high[i], index: i, size: low[i - 2] - high[i] })
  }
  return open
}

/**
 * Unbroken order blocks: the last opposite-coloured candle (within 3 bars) before an impulse
 * candle whose body is at least `impulse` (price units, e.g. 1.5·ATR). A bullish block is
 * broken by a later close below its low, a bearish one by a later close above its high.
 */
export const orderBlocks = (
  open: ArrayLike<number>, high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>,
  impulse: number, from = 0, to = high.length,
): ReadonlyArray<Zone> => {
  const blocks: Array<Zone> = []
  for (let i = from + 1; i < to; i++) {
    for (let b = blocks.length - 1; b >= 0; b--) {
      const z = blocks[b]
      if (z.index < i && ((z.dir > 0 && close[i] < z.bottom) || (z.dir < 0 && close[i] > z.top))) blocks.splice(b, 1)
    }
    const body = close[i] - open[i]
    if (Math.abs(body) < impulse) continue
    const dir = body > 0 ? 1 : -1
    for (let j = i - 1; j >= Math.max(from, i - 3); j--) {
      if ((close[j] - open[j]) * dir < 0) {
        blocks.push({ dir, top: high[j], bottom: low[j], index: j, size: Math.abs(body) })
        break
      }
    }
  }
  return blocks
}
