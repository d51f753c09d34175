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
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  width = 2,
  from = 0,
  to = high.length,
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
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  width = 2,
  from = 0,
  to = high.length,
): StructureState => {
  let swingHigh = Number.NaN
  let swingLow = Number.NaN
  let trend = 0
  let event: StructureState["event"] = "none"
  let at = -1
  let level = Number.NaN
  for (let i = from; i < to; i++) {
    // The pivot this bar confirms (the swing `width` bars back, as `swings` finds it), if any:
    // one pass, no pivot lists.
    const p = i - width
    if (p >= from + width) {
      let isHigh = true
      let isLow = true
      for (let k = 1; k <= width && (isHigh || isLow); k++) {
        if (!(high[p] > high[p - k]) || high[p] < high[p + k]) isHigh = false
        if (!(low[p] < low[p - k]) || low[p] > low[p + k]) isLow = false
      }
      if (isHigh) swingHigh = high[p]
      if (isLow) swingLow = low[p]
    }
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
 * filled once a later low trades down to the gap's bottom; bearish mirrored. One backward pass
 * with the running extremes of the candles after each gap. Oldest first.
 */
export const fairValueGaps = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  from = 0,
  to = high.length,
): ReadonlyArray<Zone> => {
  const open: Array<Zone> = []
  let minLowAfter = Number.POSITIVE_INFINITY
  let maxHighAfter = Number.NEGATIVE_INFINITY
  for (let i = to - 1; i >= from + 2; i--) {
    if (low[i] > high[i - 2]) {
      if (minLowAfter > high[i - 2])
        open.push({ dir: 1, top: low[i], bottom: high[i - 2], index: i, size: low[i] - high[i - 2] })
    } else if (high[i] < low[i - 2]) {
      if (maxHighAfter < low[i - 2])
        open.push({ dir: -1, top: low[i - 2], bottom: high[i], index: i, size: low[i - 2] - high[i] })
    }
    if (low[i] < minLowAfter) minLowAfter = low[i]
    if (high[i] > maxHighAfter) maxHighAfter = high[i]
  }
  return open.reverse()
}

/**
 * Unbroken order blocks: the last opposite-coloured candle (within 3 bars) before an impulse
 * candle whose body is at least `impulse` (price units, e.g. 1.5·ATR). A bullish block is
 * broken by a close below its low after the impulse, a bearish one by a close above its high.
 * One backward pass with the running extreme closes after each impulse. Oldest first.
 */
export const orderBlocks = (
  open: ArrayLike<number>,
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  impulse: number,
  from = 0,
  to = high.length,
): ReadonlyArray<Zone> => {
  const blocks: Array<Zone> = []
  let minCloseAfter = Number.POSITIVE_INFINITY
  let maxCloseAfter = Number.NEGATIVE_INFINITY
  for (let i = to - 1; i > from; i--) {
    const body = close[i] - open[i]
    if (Math.abs(body) >= impulse) {
      const dir = body > 0 ? 1 : -1
      for (let j = i - 1; j >= Math.max(from, i - 3); j--) {
        if ((close[j] - open[j]) * dir < 0) {
          const broken = dir > 0 ? minCloseAfter < low[j] : maxCloseAfter > high[j]
          if (!broken) blocks.push({ dir, top: high[j], bottom: low[j], index: j, size: Math.abs(body) })
          break
        }
      }
    }
    if (close[i] < minCloseAfter) minCloseAfter = close[i]
    if (close[i] > maxCloseAfter) maxCloseAfter = close[i]
  }
  return blocks.reverse()
}
