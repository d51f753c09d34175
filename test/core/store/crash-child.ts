/**
 * Crash-test child: publishes durable events through the real pipeline as fast as it can and
 * prints each acknowledged id (after `publishAll` resolved) on stdout, synchronously, one per
 * line. The parent SIGKILLs it at random moments. Usage: bun crash-child.ts <db-path> <run>
 */
import { Effect } from "effect"
import { writeSync } from "node:fs"
import { EventBus, makeEvent } from "../../../core/events/index.ts"
import { layerEventPipeline } from "../../../core/store/index.ts"

const [path, run] = [process.argv[2], process.argv[3] ?? "0"]

const publisher = (lane: number) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    for (let batch = 0; ; batch++) {
      const events = []
      for (let i = 0; i < 50; i++) {
        events.push(
          yield* makeEvent(
            "signal.emitted",
            { symbol: `S${lane}`, direction: "long", score: i, run, batch },
            { source: "crash-child", correlationId: `r${run}` },
          ),
        )
      }
      yield* bus.publishAll(events)
      writeSync(1, events.map((e) => e.id).join("\n") + "\n")
    }
  })

// Every run first re-publishes the same 50 events (fixed ids): across restarts they must be
// stored exactly once — the store's id constraint, not the per-process dedup, guarantees it.
const republish = Effect.gen(function* () {
  const bus = yield* EventBus
  const events = []
  for (let i = 0; i < 50; i++) {
    const event = yield* makeEvent("alert.sent", { channel: "crash", n: i }, { source: "crash-child" })
    events.push({ ...event, id: `FIXED-${i}` })
  }
  yield* bus.publishAll(events)
  writeSync(1, events.map((e) => e.id).join("\n") + "\n")
})

await Effect.runPromise(
  Effect.andThen(republish, Effect.all([publisher(0), publisher(1), publisher(2)], { concurrency: "unbounded" })).pipe(
    Effect.provide(layerEventPipeline({ path })),
  ),
)
