/**
 * @module The replay driver for recordings: the same live layers as `drive.ts`, fed in runs.
 *
 * Analysis scores a batch of market events in one pass with exactly the results and events of
 * handling them one at a time (it scores what is pending before an event touches it), and live
 * it gets batches too: what arrived while it was busy. So a recording goes onto the bus in runs
 * of consecutive events — at most `RUN_LIMIT`, and at most `RUN_SPAN_MS` of data time past the
 * run's first event that scores (a candle or served-set event; books, trades, tickers and
 * derivatives only update the picture and join any run) — and the bus settles after each run.
 * The clock reads the run's last event time while the run is handled: plugin quarantine and
 * recovery still happen at the same data time on every run (the runs are a function of the
 * recording), within a second of the event that caused them.
 *
 * Before the runs form, books superseded before the next score are left out and consecutive
 * trade batches merged where that leaves the tape as it was (`coalesce.ts`): most of a
 * recording's events, none of which any score reads.
 *
 * What a recording's report needs from each `analysis.confluence` is its payload (time, score,
 * components), so nothing here asks Analysis for per-series detail mid-run; the candle-CSV replay,
 * which reports per-series usage, feeds one event at a time (`driveEvents`).
 */
import { Clock, Effect } from "effect"
import type { ConfluenceSummary } from "../analysis/index.ts"
import type { VirtuosoConfig } from "../config/index.ts"
import { EventBus, type VirtuosoEvent } from "../events/index.ts"
import { SignalEngine, type Signal } from "../signals/index.ts"
import type { WasmLoadError } from "../wasm/index.ts"
import { makePictureCoalescer } from "./coalesce.ts"
import { asReplayed, replayLayers, settled } from "./drive.ts"
import { makeReplayClock } from "./replay-clock.ts"

/** Events per run: well inside a lane's capacity. */
const RUN_LIMIT = 1000
/** Data time a run may span past its first scoring event. */
const RUN_SPAN_MS = 1000

/** Events that change only the market picture Analysis keeps: never a score of their own. */
const PICTURE_ONLY: ReadonlySet<VirtuosoEvent["type"]> = new Set([
  "market.orderbook",
  "market.trades",
  "market.ticker",
  "market.derivatives",
])

export interface RecordingDriveResult {
  /** Every `analysis.confluence` payload, in publish order. */
  readonly confluences: ReadonlyArray<ConfluenceSummary>
  readonly signals: ReadonlyArray<Signal>
  /** Recorded events read (superseded books and merged trade batches included). */
  readonly events: number
  /** Wall time from the first event fed to the last one handled (the layers' start-up excluded). */
  readonly feedMs: number
}

/** Feeds a recording (oldest first) through the live layers in runs; collects what they published. */
export const driveRecording = (
  config: VirtuosoConfig,
  events: Iterable<VirtuosoEvent>,
): Effect.Effect<RecordingDriveResult, WasmLoadError> => {
  const clock = makeReplayClock(0)
  const program = Effect.gen(function* () {
    const bus = yield* EventBus
    const confluences: Array<ConfluenceSummary> = []
    yield* bus.subscribe("analysis.confluence", (event) => Effect.sync(() => void confluences.push(event.payload)), {
      name: "replay:confluence",
    })
    let count = 0
    let run: Array<VirtuosoEvent> = []
    // Data time of the run's first scoring event (undefined while it has none).
    let scoringFrom: number | undefined
    const settle = settled(bus)
    const flush = Effect.suspend(() => {
      if (run.length === 0) return Effect.void
      const out = run
      run = []
      scoringFrom = undefined
      clock.set(out[out.length - 1]!.time)
      // A closed bus is the only failure, and nothing closes it before the scope ends.
      return Effect.andThen(Effect.orDie(bus.publishAll(out)), settle)
    })
    const coalescer = makePictureCoalescer()
    // What the coalescer passed on, and how much of it has joined a run.
    const ready: Array<VirtuosoEvent> = []
    let joined = 0
    const source = events[Symbol.iterator]()
    // A recording read from a store holds its reader open until it is read to the end or closed.
    yield* Effect.addFinalizer(() => Effect.sync(() => void source.return?.()))
    let read = false
    /**
     * Reads the recording through the coalescer into the run until the run must go out first
     * (true) or the recording is read (false). A plain loop: the program's generator steps
     * once per run, not once per event.
     */
    const fill = (): boolean => {
      for (;;) {
        for (; joined < ready.length; joined++) {
          const event = ready[joined]!
          if (run.length >= RUN_LIMIT || (scoringFrom !== undefined && event.time - scoringFrom > RUN_SPAN_MS))
            return true
          if (scoringFrom === undefined && !PICTURE_ONLY.has(event.type)) scoringFrom = event.time
          run.push(asReplayed(event))
        }
        ready.length = 0
        joined = 0
        if (read) return false
        const next = source.next()
        if (next.done === true) {
          read = true
          coalescer.end(ready)
        } else {
          count++
          coalescer.push(next.value, ready)
        }
      }
    }
    const started = performance.now()
    while (fill()) yield* flush
    yield* flush
    const feedMs = performance.now() - started
    return { confluences, signals: yield* (yield* SignalEngine).recent, events: count, feedMs }
  })
  return Effect.scoped(program).pipe(Effect.provide(replayLayers(config)), Effect.provideService(Clock.Clock, clock))
}
