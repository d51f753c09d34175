/**
 * @module What an indicator's `compute` returns. Its own module so the scoring helpers, which
 * build these results, depend on it without depending on the SDK that re-exports them.
 */

/**
 * `score` in [0, 100], 50 = neutral; `null` = unavailable (missing data), never a made-up 50.
 * `values` are the raw indicator values behind the score, for reports and the API.
 */
export interface IndicatorResult {
  readonly score: number | null
  readonly values?: Readonly<Record<string, number>>
  /** Why the score is null, or a short note on it. */
  readonly reason?: string
}
