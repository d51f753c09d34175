/**
 * @module Checkpointing the store's WAL off the engine's thread. SQLite checkpoints inside the
 * commit that takes the WAL past `wal_autocheckpoint`: that commit copies the WAL back into the
 * database and fsyncs, stalling the event loop for as long as the disk takes. A worker with its
 * own connection (`checkpoint-worker.ts`) checkpoints every `everyMs` instead, so the WAL seldom
 * reaches the threshold; the writer's own checkpoint stays as the fallback.
 */
import { Effect } from "effect"

export interface CheckpointStart {
  readonly path: string
  readonly synchronous: "NORMAL" | "FULL"
  readonly everyMs: number
}

export type CheckpointerMessage = "started" | "stopped" | { readonly failed: string }

const ENTRY = new URL("./checkpoint-worker.ts", import.meta.url).href
/** How long closing waits for the worker to close its connection before terminating it. */
const STOP_MS = 2000

/** Runs the checkpoint worker while the scope is open; closing stops it before the store closes. */
export const checkpointInWorker = (options: CheckpointStart) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      // The store's scope stops it; it never holds the process open on its own.
      const worker = new Worker(ENTRY, { ref: false })
      const failures = { count: 0, last: "" }
      worker.onmessage = (message: MessageEvent<CheckpointerMessage>) => {
        if (typeof message.data === "object") {
          failures.count++
          failures.last = message.data.failed
        }
      }
      worker.postMessage(options)
      return { worker, failures }
    }),
    ({ worker, failures }) =>
      Effect.callback<void, never, never>((resume) => {
        const timer = setTimeout(() => resume(Effect.void), STOP_MS)
        worker.onmessage = (message: MessageEvent<CheckpointerMessage>) => {
          if (message.data !== "stopped") return
          clearTimeout(timer)
          resume(Effect.void)
        }
        worker.postMessage("stop")
      }).pipe(
        Effect.tap(() => Effect.sync(() => worker.terminate())),
        Effect.andThen(
          Effect.suspend(() =>
            failures.count === 0
              ? Effect.void
              : Effect.logWarning(`WAL checkpoints failed ${failures.count} times; last: ${failures.last}`),
          ),
        ),
      ),
  )
