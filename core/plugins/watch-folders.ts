/**
 * @module Watching plugin folders: a re-scan shortly after any file event under them.
 */
import { Effect, Queue } from "effect"
import { watch, type FSWatcher } from "node:fs"

/**
 * Watches each existing folder (recursively, so `exchanges/sim/index.ts` counts) and re-scans
 * after a quiet period. The debounce runs on a real timer on purpose: file events are real
 * time, and under a TestClock an Effect sleep would never fire. The watchers and the timer are
 * closed when the layer's scope closes.
 */
export const watchFolders = Effect.fnUntraced(function* (
  dirs: ReadonlyArray<string>,
  debounceMs: number,
  reload: Effect.Effect<void>,
) {
  const signals = yield* Queue.sliding<void>(1)
  let timer: ReturnType<typeof setTimeout> | undefined
  const poke = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      Queue.offerUnsafe(signals, undefined)
    }, debounceMs)
  }
  for (const dir of dirs) {
    yield* Effect.acquireRelease(
      Effect.sync((): FSWatcher | undefined => {
        try {
          const w = watch(dir, { recursive: true }, poke)
          // A watcher error (folder deleted) must not crash the process; a re-scan reports it.
          w.on("error", poke)
          return w
        } catch {
          return undefined // missing folder: already reported by the first scan
        }
      }),
      (w) => Effect.sync(() => w?.close()),
    )
  }
  yield* Effect.addFinalizer(() => Effect.sync(() => timer !== undefined && clearTimeout(timer)))
  yield* Queue.take(signals).pipe(Effect.andThen(reload), Effect.forever, Effect.forkScoped)
})
