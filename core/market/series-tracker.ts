/**
 * @module Per-series bookkeeping for closed candles: what is new in a fetch, what is a gap.
 *
 * Pure: fed the candles an exchange returned, it says which are closed and new, in order, with
 * duplicates and stale (out-of-order) ones dropped. Only closed candles ever feed scores: the
 * last candle of a fetch is the one in progress unless a later candle proves it has closed.
 */
import type { Candle } from "../market-schema/index.ts"
import { isSoundCandle } from "./candles/validate.ts"

export interface SeriesCursor {
  /** Open time of the newest closed candle appended, or -Infinity before backfill. */
  lastClosed: number
  /** Bumped on every append, so readers can tell whether anything changed. */
  version: number
}

export const newCursor = (): SeriesCursor => ({ lastClosed: -Infinity, version: 0 })

export interface NewCandles {
  readonly closed: ReadonlyArray<Candle>
  /** Candles missing between the cursor and the first new one (a gap the fetch did not cover). */
  readonly gapFrom?: number
  readonly duplicates: number
  readonly malformed: number
}

/**
 * Candles of a fetch that are closed and newer than the cursor, oldest first. A candle is closed
 * when a later one follows it, or when its period has ended by `exchangeNow` (the exchange's
 * clock, skew allowed for) — so the newest closed candle is in the series from the first fetch,
 * even when the exchange has not opened the next one yet. Without `exchangeNow`, only a
 * successor proves a candle closed.
 */
export const closedAfter = (
  cursor: SeriesCursor,
  fetched: ReadonlyArray<Candle>,
  stepMs: number,
  exchangeNow = -Infinity,
): NewCandles => {
  const sorted = [...fetched].sort((a, b) => a.time - b.time)
  const closed: Array<Candle> = []
  let duplicates = 0
  let malformed = 0
  let last = cursor.lastClosed
  for (let i = 0; i < sorted.length; i++) {
    const candle = sorted[i]!
    if (!isSoundCandle(candle, stepMs)) {
      malformed++
      continue
    }
    const hasSuccessor = i < sorted.length - 1
    if (!hasSuccessor && candle.time + stepMs > exchangeNow) break
    if (candle.time <= last) {
      duplicates++
      continue
    }
    closed.push(candle)
    last = candle.time
  }
  const first = closed[0]
  const gapFrom =
    first && Number.isFinite(cursor.lastClosed) && first.time > cursor.lastClosed + stepMs
      ? cursor.lastClosed + stepMs
      : undefined
  return { closed, duplicates, malformed, ...(gapFrom === undefined ? {} : { gapFrom }) }
}
