/**
 * @module Volume profile: volume by price over a window, its point of control and value area.
 *
 * Each candle's volume is spread evenly over the price bins its high–low range touches. The
 * spread uses a difference array, so the cost is O(candles + bins) rather than O(candles × bins).
 * Candidate WASM kernel (`volumeProfile`).
 */

export interface VolumeProfile {
  /** Price at the centre of the bin with the most volume. */
  readonly poc: number
  /** Value area high / low: the bins around the POC holding `valueArea` of the volume. */
  readonly vah: number
  readonly val: number
  readonly low: number
  readonly high: number
  readonly binSize: number
  readonly totalVolume: number
}

/**
 * Profile of candles [from, to). Undefined when the window has no price range (flat market)
 * or no volume: there is no profile to read, and callers report "unavailable".
 */
export const volumeProfile = (
  high: ArrayLike<number>, low: ArrayLike<number>, volume: ArrayLike<number>,
  bins = 100, valueArea = 0.7, from = 0, to = high.length,
): VolumeProfile | undefined => {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  let total = 0
  for (let i = from; i < to; i++) {
    if (low[i] < lo) lo = low[i]
    if (high[i] > hi) hi = high[i]
    total += volume[i]
  }
  if (!(hi > lo) || !(total > 0) || !Number.isFinite(total)) return undefined
  const size = (hi - lo) / bins
  const diff = new Float64Array(bins + 1)
  for (let i = from; i < to; i++) {
    const v = volume[i]
    if (!(v > 0)) continue
    const b0 = Math.min(bins - 1, Math.floor((low[i] - lo) / size))
    const b1 = Math.min(bins - 1, Math.floor((high[i] - lo) / size))
    const share = v / (b1 - b0 + 1)
    diff[b0] += share
    diff[b1 + 1] -= share
  }
  // Prefix sum in place turns the difference array into volume per bin.
  let run = 0
  let poc = 0
  let best = -1
  for (let b = 0; b < bins; b++) {
    run += diff[b]
    diff[b] = run
    if (run > best) {
      best = run
      poc = b
    }
  }
  let down = poc
  let up = poc
  let acc = diff[poc]
  const target = valueArea * total
  while (acc < target && (down > 0 || up < bins - 1)) {
    const below = down > 0 ? diff[down - 1] : -1
    const above = up < bins - 1 ? diff[up + 1] : -1
    if (above >= below) acc += diff[++up]
    else acc += diff[--down]
  }
  return {
    poc: lo + (poc + 0.5) * size,
    vah: lo + (up + 1) * size,
    val: lo + down * size,
    low: lo,
    high: hi,
    binSize: size,
    totalVolume: total,
  }
}
