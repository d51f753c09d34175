/**
 * @module The live store's fold job: every `foldEvery` (a minute) the market rows older than
 * `foldAfter` are folded into blocks (fold.ts), apart from the hourly tiering job. A store the
 * engine recorded is then at most a couple of minutes unfolded, so a replay of it reads blocks
 * without folding an hour of rows first, and each pass blocks the process for a minute's rows
 * (≈ 2.4k rows, a few ms at 20 symbols) instead of an hour's at once.
 */
import type { Database } from "bun:sqlite"
import { Clock, Effect } from "effect"
import { foldMarketRows } from "./fold.ts"

/**
 * Rows a pass reads at most (whole chunks of fold.ts, so 60k): a backlog larger than that, as
 * after a restart, is taken a pass at a time and by the tiering job, which folds all of it.
 */
const FOLD_PASS_ROWS = 50_000

/** Forks the fold job in the caller's scope: it sleeps `everyMs`, folds, repeats until the scope closes. */
export const forkFoldSchedule = (
  sqlite: Database,
  settings: { readonly foldAfterMs: number; readonly everyMs: number },
) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    yield* Effect.try(() => foldMarketRows(sqlite, now - settings.foldAfterMs, FOLD_PASS_ROWS))
  }).pipe(
    Effect.catch((error) => Effect.logWarning("event store fold failed", error)),
    Effect.withSpan("EventStore.fold"),
    (pass) => Effect.forever(Effect.andThen(Effect.sleep(settings.everyMs), pass)),
    Effect.forkScoped,
  )
