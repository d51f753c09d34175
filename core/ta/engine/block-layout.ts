/**
 * @module Where a series' data sits inside its arena block, from the options and the compiled
 * indicator set: candle + scratch columns | kernel state | state snapshot | latest values |
 * (with history:) the pending-rows ring | output columns. Checks the options on the way.
 */
import type { ResidentEngineOptions } from "./engine-types.ts"
import type { Plan } from "./plan.ts"

export interface BlockLayout {
  readonly capacity: number
  readonly maxSeries: number
  /** f64 per column: the sliding window, `capacity` plus `slack` (see `windowSlack`). */
  readonly colF64: number
  readonly colBytes: number
  readonly latestOffset: number
  readonly rowsOffset: number
  readonly outOffset: number
  readonly blockBytes: number
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16

/**
 * Free slots past a full window in every column: the window slides into them, and once it reaches
 * the column's end its newest `capacity − 1` values move back to slot 0, so a column of
 * `capacity + slack` f64 costs one such move per `slack` appends — `capacity / slack` (≈ 4) f64
 * moved per append and column, for a quarter of the window's memory instead of a whole second
 * window. Even, so every column of a 16-byte aligned block starts 16-byte aligned.
 */
const windowSlack = (capacity: number): number => 2 * Math.ceil(Math.max(16, capacity / 4) / 2)

export const blockLayout = (plan: Plan, options: ResidentEngineOptions, pendingRows: number): BlockLayout => {
  const capacity = options.capacity ?? 1000
  const maxSeries = options.maxSeries ?? 1024
  if (!Number.isInteger(capacity) || capacity < 2)
    throw new RangeError(`engine: capacity must be an integer >= 2, got ${capacity}`)
  if (capacity <= plan.maxLookback + 1) {
    throw new RangeError(
      `engine: capacity ${capacity} must exceed the indicator set's lookback + 1 (${plan.maxLookback + 1})`,
    )
  }
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new RangeError(`engine: maxSeries must be a positive integer, got ${maxSeries}`)
  const keepHistory = options.keepHistory ?? true
  const colF64 = capacity + windowSlack(capacity)
  const colBytes = colF64 * 8
  const latestOffset = plan.columns * colBytes + 2 * plan.stateBytes
  const rowsOffset = latestOffset + align16(plan.outputs * 8)
  const outOffset = rowsOffset + (keepHistory ? align16(pendingRows * plan.outputs * 8) : 0)
  const blockBytes = outOffset + (keepHistory ? plan.outputs * colBytes : 0)
  return { capacity, maxSeries, colF64, colBytes, latestOffset, rowsOffset, outOffset, blockBytes }
}
