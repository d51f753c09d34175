/**
 * @module Group commit: appenders add events to the open batch and wait on its ticket; one
 * writer fiber commits whatever accumulated in one transaction (chunked at `maxBatch`) and
 * then resolves the ticket — so every acknowledgement follows a commit.
 */
import { Deferred, Effect, Exit } from "effect"
import type { VirtuosoEvent } from "../events/index.ts"
import { EventStoreError } from "./errors.ts"

type Resume = (effect: Effect.Effect<void>) => void

export class GroupCommit {
  private pending: Array<VirtuosoEvent> = []
  private ticket = Deferred.makeUnsafe<void, EventStoreError>()
  private wake: Resume | undefined
  private closed = false
  batches = 0
  /** Real time spent in `write` (a virtual clock stands still while SQLite writes). */
  seconds = 0

  constructor(
    private readonly maxBatch: number,
    private readonly write: (events: ReadonlyArray<VirtuosoEvent>) => Effect.Effect<void, EventStoreError>,
  ) {}

  get depth(): number {
    return this.pending.length
  }

  append(events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void, EventStoreError> {
    return Effect.suspend(() => {
      if (this.closed) return Effect.fail(new EventStoreError({ reason: "closed", message: "event store is closed" }))
      if (events.length === 0) return Effect.void
      for (let i = 0; i < events.length; i++) this.pending.push(events[i])
      const ticket = this.ticket
      const wake = this.wake
      if (wake !== undefined) {
        this.wake = undefined
        wake(Effect.void)
      }
      return Deferred.await(ticket)
    })
  }

  /** Stops intake; the loop commits what is pending and then ends. */
  close(): void {
    this.closed = true
    const wake = this.wake
    this.wake = undefined
    wake?.(Effect.void)
  }

  private park(): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      if (this.closed || this.pending.length > 0) return resume(Effect.void)
      this.wake = resume
    })
  }

  loop(): Effect.Effect<void> {
    const self = this
    return Effect.gen(function* () {
      while (true) {
        if (self.pending.length === 0) {
          if (self.closed) return
          yield* self.park()
          continue
        }
        const batch = self.pending
        const ticket = self.ticket
        self.pending = []
        self.ticket = Deferred.makeUnsafe<void, EventStoreError>()
        let exit: Exit.Exit<void, EventStoreError> = Exit.void
        for (let i = 0; i < batch.length && Exit.isSuccess(exit); i += self.maxBatch) {
          const started = performance.now()
          exit = yield* Effect.exit(
            self.write(i === 0 && batch.length <= self.maxBatch ? batch : batch.slice(i, i + self.maxBatch)),
          )
          self.seconds += (performance.now() - started) / 1000
          self.batches++
        }
        Deferred.doneUnsafe(ticket, exit)
      }
    })
  }
}
