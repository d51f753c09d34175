/**
 * @module Re-delivery of dead letters, whichever way they were queued.
 *
 * A letter a handler failed goes back to that handler (`bus.deadLetters.replay`), once it is
 * subscribed. A stored event `EventStore.replay` could not decode (`store:replay`) never reached
 * a handler: it is decoded with the catalogue again — a build that reads its type and version
 * now, e.g. a letter an older build left in the store — and once it decodes it is published
 * through the bus as the replay would have published it (flagged replayed), and leaves the queue.
 * Whatever is not re-delivered stays queued with the reason, to retry or discard.
 */
import { Effect } from "effect"
import { decodeEvent, type EventBus, type EventBusError, type VirtuosoEvent } from "../events/index.ts"
import { REPLAY_DEAD_LETTERS } from "./event-store.ts"

export interface RedeliverOutcome {
  /** Seqs of the letters re-delivered (and removed from the queue). */
  readonly redelivered: ReadonlyArray<number>
  /** Letters left queued, with why. */
  readonly kept: ReadonlyArray<{ readonly seq: number; readonly reason: string }>
}

/** Re-delivers the dead letters with these seqs (see the module note). */
export const redeliver = (
  bus: EventBus["Service"],
  seqs: ReadonlyArray<number>,
): Effect.Effect<RedeliverOutcome, EventBusError> =>
  Effect.gen(function* () {
    if (seqs.length === 0) return { redelivered: [], kept: [] }
    const letters = yield* bus.deadLetters.list({ seqs })
    const redelivered: Array<number> = []
    const kept: Array<{ seq: number; reason: string }> = []
    const decoded: Array<VirtuosoEvent> = []
    const decodedSeqs: Array<number> = []
    const toSubscribers: Array<number> = []
    for (const letter of letters) {
      if (letter.subscriber !== REPLAY_DEAD_LETTERS) {
        toSubscribers.push(letter.seq)
        continue
      }
      const result = decodeEvent(letter.event)
      if (result.ok) {
        decoded.push({ ...result.event, replayed: true })
        decodedSeqs.push(letter.seq)
      } else kept.push({ seq: letter.seq, reason: `does not decode: ${result.error.replace(/\s+/g, " ")}` })
    }
    if (decoded.length > 0) {
      yield* bus.publishAll(decoded)
      yield* bus.deadLetters.remove({ seqs: decodedSeqs })
      redelivered.push(...decodedSeqs)
    }
    if (toSubscribers.length > 0) {
      yield* bus.deadLetters.replay({ seqs: toSubscribers })
      const left = new Map((yield* bus.deadLetters.list({ seqs: toSubscribers })).map((l) => [l.seq, l.subscriber]))
      for (const seq of toSubscribers) {
        const subscriber = left.get(seq)
        if (subscriber === undefined) redelivered.push(seq)
        else kept.push({ seq, reason: `no subscriber named "${subscriber}"` })
      }
    }
    return { redelivered: redelivered.sort((a, b) => a - b), kept: kept.sort((a, b) => a.seq - b.seq) }
  })
