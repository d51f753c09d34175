/**
 * @module Info-level log lines for the REST cover, collapsed across streams: one line when the
 * first stream loses its websocket (with the cause), at most one count every 10 s while more
 * follow, one line when the last one is live again. A firewall that blocks websockets costs a
 * handful of lines, not one per stream and retry.
 */
import { Clock, Effect } from "effect"
import type { StreamEvent } from "./schema.ts"

/** At most one "covers N streams" line this often. */
const SUMMARY_EVERY_MS = 10_000

export const makeCoverReport = () => {
  const covered = new Set<string>()
  let reported = 0
  let reportedAt = -Infinity

  const onFallback = (key: string, why: string, total: number) =>
    Effect.gen(function* () {
      covered.add(key)
      const now = yield* Clock.currentTimeMillis
      if (reported === 0) {
        reported = covered.size
        reportedAt = now
        return yield* Effect.logInfo(
          `websocket not live for ${key} (${why}); polling it over REST until the websocket delivers again`,
        )
      }
      if (covered.size === reported || now - reportedAt < SUMMARY_EVERY_MS) return
      reported = covered.size
      reportedAt = now
      yield* Effect.logInfo(`REST polling covers ${covered.size} of ${total} streams (websocket: ${why})`)
    })

  const observe = (event: StreamEvent, total: number): Effect.Effect<void> => {
    if (event._tag === "Fallback") return onFallback(event.key, event.why, total)
    if (event._tag !== "Resumed" && event._tag !== "Stopped") return Effect.void
    return Effect.suspend(() => {
      if (!covered.delete(event.key) || covered.size > 0 || reported === 0) return Effect.void
      reported = 0
      return event._tag === "Resumed"
        ? Effect.logInfo(`websocket live again on every stream (last: ${event.key}); REST cover stopped`)
        : Effect.void
    })
  }

  return { observe }
}
