/**
 * @module The checkpoint worker: its own connection to the store's file, copying the WAL back
 * into the database on a timer (a PASSIVE checkpoint waits for no reader or writer), so the
 * copy and the fsyncs around it happen on this thread instead of inside a commit on the engine's.
 * Started and stopped by `checkpointer.ts`.
 */
import { Database } from "bun:sqlite"
import type { CheckpointStart, CheckpointerMessage } from "./checkpointer.ts"

declare const self: Worker

let db: Database | undefined
let timer: ReturnType<typeof setInterval> | undefined

self.onmessage = (message: MessageEvent<CheckpointStart | "stop">) => {
  const data = message.data
  if (data === "stop") {
    if (timer !== undefined) clearInterval(timer)
    db?.close()
    db = undefined
    self.postMessage("stopped" satisfies CheckpointerMessage)
    return
  }
  try {
    db = new Database(data.path)
    db.exec("PRAGMA busy_timeout = 5000")
    db.exec(`PRAGMA synchronous = ${data.synchronous}`)
    const open = db
    timer = setInterval(() => {
      try {
        open.exec("PRAGMA wal_checkpoint(PASSIVE)")
      } catch (error) {
        // A failed round leaves the WAL to the next one (or to the writer's own checkpoint).
        self.postMessage({ failed: String(error) } satisfies CheckpointerMessage)
      }
    }, data.everyMs)
    self.postMessage("started" satisfies CheckpointerMessage)
  } catch (error) {
    self.postMessage({ failed: String(error) } satisfies CheckpointerMessage)
  }
}
