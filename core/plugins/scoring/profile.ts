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
  /** With `split`: POCs of candles [from, split) and [split, to) on the same bins (NaN without volume). */
  readonly pocBefore: number
  readonly pocAfter: number
}

// Reused bin buffers: a profile per plugin per context is the hot path, and these functions are
// synchronous, so one scratch pair per module is safe and saves two allocations a call.
let scratch = new Float64Array(0)
let scratchAfter = new Float64Array(0)

/** Adds each candle's volume evenly over its bins into the difference array `diff`. */
const spread = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  volume: ArrayLike<number>,
  lo: number,
  perPrice: number,
  bins: number,
  diff: Float64Array,
  from: number,
  to: number,
): void => {
  const last = bins - 1
  for (let i = from; i < to; i++) {
    const v = volume[i]
    if (!(v > 0)) continue
    // Offsets are ≥ 0 (lo is the window low), so truncation is floor.
    let b0 = ((low[i] - lo) * perPrice) | 0
    let b1 = ((high[i] - lo) * perPrice) | 0
    if (b0 > last) b0 = last
    if (b1 > last) b1 = last
    const share = v / (b1 - b0 + 1)
    diff[b0] += share
    diff[b1 + 1] -= share
  }
}

/**
 * Profile of candles [from, to). Undefined when the window has no price range (flat market)
 * or no volume: there is no profile to read, and callers report "unavailable". `split` (an
 * index inside the window) also reports the POCs of the two parts, for POC migration.
 */
export const volumeProfile = (
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  volume: ArrayLike<number>,
  bins = 100,
  valueArea = 0.7,
  from = 0,
  to = high.length,
  split = -1,
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
  const perPrice = bins / (hi - lo)
  if (scratch.length < bins + 1) {
    scratch = new Float64Array(bins + 1)
    scratchAfter = new Float64Array(bins + 1)
  }
  const diff = scratch
  const after = scratchAfter
  diff.fill(0, 0, bins + 1)
  const splitting = split > from && split < to
  if (splitting) after.fill(0, 0, bins + 1)
  spread(high, low, volume, lo, perPrice, bins, diff, from, splitting ? split : to)
  if (splitting) spread(high, low, volume, lo, perPrice, bins, after, split, to)
  // Prefix sums turn the difference arrays into volume per bin (diff holds [from, split) when
  // splitting; the whole profile is their sum), and the same pass finds the POCs (first bin with
  // the most volume; none when no bin has any) — one loop over the bins instead of five.
  let run = 0
  let runAfter = 0
  let best = -1
  let poc = -1
  let bestBefore = -1
  let pb = -1
  let bestAfter = -1
  let pa = -1
  if (splitting) {
    for (let b = 0; b < bins; b++) {
      run += diff[b]
      runAfter += after[b]
      const whole = run + runAfter
      diff[b] = whole
      if (run > bestBefore) {
        bestBefore = run
        pb = b
      }
      if (runAfter > bestAfter) {
        bestAfter = runAfter
        pa = b
      }
      if (whole > best) {
        best = whole
        poc = b
      }
    }
  } else {
    for (let b = 0; b < bins; b++) {
      run += diff[b]
      diff[b] = run
      if (run > best) {
        best = run
        poc = b
      }
    }
  }
  if (!(best > 0)) poc = -1
  const pocBefore = splitting && bestBefore > 0 ? lo + (pb + 0.5) * size : Number.NaN
  const pocAfter = splitting && bestAfter > 0 ? lo + (pa + 0.5) * size : Number.NaN
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
    pocBefore,
    pocAfter,
  }
}
