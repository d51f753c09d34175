/**
 * @module Rate-limited warnings: the first failure of a key (e.g. one endpoint) is logged at once,
 * the repeats within `windowMs` are only counted, and the next one after the window is logged
 * with that count. An unreachable exchange costs one line per endpoint per window, not one per
 * symbol, timeframe and retry.
 */
import { Clock, Effect } from "effect"

export interface LogDigest {
  /** Log `line` for `key` now, or count it if `key` was logged within the window. */
  readonly warn: (key: string, line: string) => Effect.Effect<void>
  /** Forget `key` (it works again): its next failure is logged at once. */
  readonly recovered: (key: string) => void
}

export const makeLogDigest = (windowMs = 30_000): LogDigest => {
  const keys = new Map<string, { loggedAt: number; suppressed: number }>()
  return {
    warn: (key, line) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const entry = keys.get(key)
        if (entry !== undefined && now - entry.loggedAt < windowMs) {
          entry.suppressed++
          return
        }
        const more =
          entry === undefined || entry.suppressed === 0
            ? ""
            : ` (${entry.suppressed} more like it in the last ${Math.round((now - entry.loggedAt) / 1000)} s)`
        keys.set(key, { loggedAt: now, suppressed: 0 })
        yield* Effect.logWarning(`${line}${more}`)
      }),
    recovered: (key) => void keys.delete(key),
  }
}
