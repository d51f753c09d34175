/**
 * @module What one worker's share of a batch returned, read call by call when the share is
 * settled. A share that ran in one go is read straight from the worker's result block (no copy,
 * no per-share arrays: settling builds each call's values record from the block as it goes); a
 * share that lost its worker on the way is gathered, attempt by attempt, into arrays at the
 * share's call positions.
 */
import { RESULT_FLOATS, type WorkerMessage } from "./protocol.ts"
import { valueMaker, type ValueMaker } from "./value-maker.ts"
import type { WorkerHandle } from "./worker-handle.ts"

type Done = Extract<WorkerMessage, { type: "done" }>

/** Call outcomes beyond the worker's own (ok / failed). */
export const CALL_CUT_OFF = 2
export const CALL_SKIPPED = 3

/** Call `c` of a share: status (CALL_OK, CALL_FAILED, CALL_CUT_OFF, CALL_SKIPPED), score (NaN = null), µs. */
export interface ShareResult {
  status(c: number): number
  score(c: number): number
  micros(c: number): number
  values(c: number): Readonly<Record<string, number>> | undefined
  /** The plugin's reason, or the problem of a failed call. */
  note(c: number): string | undefined
}

/** Takes the reply's new result block and value shapes into the worker's handle. */
const receive = (w: WorkerHandle, reply: Done) => {
  if (reply.results !== undefined) w.results = new Float64Array(reply.results)
  for (const [id, keys] of reply.shapes) w.makers[id] = valueMaker(keys)
}

/** The rare parts of a reply (notes, values that are not all numbers) by call position, or null when none. */
const byCall = <T>(pairs: ReadonlyArray<readonly [number, T]>): Map<number, T> | null =>
  pairs.length === 0 ? null : new Map(pairs)

/**
 * A share the worker ran whole, read from its block. Valid until the worker's next batch (the
 * dispatcher settles a share as soon as it is back, before another batch is posted).
 */
class BlockResult implements ShareResult {
  private readonly notes: Map<number, string> | null
  private readonly details: Map<number, Readonly<Record<string, unknown>>> | null
  constructor(
    private readonly block: Float64Array<ArrayBufferLike>,
    private readonly makers: ReadonlyArray<ValueMaker>,
    reply: Done,
  ) {
    this.notes = byCall(reply.notes)
    this.details = byCall(reply.details)
  }
  status(c: number) {
    return this.block[c * RESULT_FLOATS]
  }
  score(c: number) {
    return this.block[c * RESULT_FLOATS + 1]
  }
  micros(c: number) {
    return this.block[c * RESULT_FLOATS + 2]
  }
  values(c: number) {
    const o = c * RESULT_FLOATS
    const shape = this.block[o + 3]
    if (shape >= 0) return this.makers[shape](this.block, this.block[o + 4])
    return this.details?.get(c) as Readonly<Record<string, number>> | undefined
  }
  note(c: number) {
    return this.notes?.get(c)
  }
}

export const blockResult = (w: WorkerHandle, reply: Done): ShareResult => {
  receive(w, reply)
  return new BlockResult(w.results, w.makers, reply)
}

/** A share gathered into arrays: what a replacement worker ran, and the calls cut off or skipped. */
export class GatheredResult implements ShareResult {
  readonly statuses: Uint8Array
  readonly scores: Float64Array
  readonly times: Float64Array
  readonly records: Array<Readonly<Record<string, number>> | undefined>
  readonly notes: Array<string | undefined>
  constructor(n: number) {
    this.statuses = new Uint8Array(n)
    this.scores = new Float64Array(n)
    this.times = new Float64Array(n)
    this.records = new Array(n)
    this.notes = new Array(n)
  }
  status(c: number) {
    return this.statuses[c]
  }
  score(c: number) {
    return this.scores[c]
  }
  micros(c: number) {
    return this.times[c]
  }
  values(c: number) {
    return this.records[c]
  }
  note(c: number) {
    return this.notes[c]
  }

  /** Call `c` did not run: `status` with `note` (and how long it ran, ms). */
  fail(c: number, status: number, note: string, ms = 0): void {
    this.statuses[c] = status
    this.scores[c] = Number.NaN
    this.times[c] = ms * 1000
    this.notes[c] = note
  }

  /** Copies a worker's results for the calls it was sent (`pending`, by share position). */
  read(w: WorkerHandle, reply: Done, pending: ReadonlyArray<number>): void {
    receive(w, reply)
    const r = w.results
    const makers = w.makers
    for (let i = 0; i < pending.length; i++) {
      const c = pending[i]
      const o = i * RESULT_FLOATS
      this.statuses[c] = r[o]
      this.scores[c] = r[o + 1]
      this.times[c] = r[o + 2]
      const shape = r[o + 3]
      if (shape >= 0) this.records[c] = makers[shape](r, r[o + 4])
    }
    for (const [i, note] of reply.notes) this.notes[pending[i]] = note
    for (const [i, values] of reply.details) this.records[pending[i]] = values as Record<string, number>
  }
}
