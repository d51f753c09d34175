import { Effect } from "effect"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { recordingEvents } from "./synthetic-recording.ts"
const [path, hours] = [process.argv[2]!, Number(process.argv[3] ?? 1)]
const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const
await Effect.runPromise(
  Effect.scoped(
    Effect.flatMap(EventStore, (store) =>
      Effect.gen(function* () {
        let batch: Array<VirtuosoEvent> = []
        for (const e of recordingEvents(true, hours * 60)) {
          batch.push(e)
          if (batch.length < 1000) continue
          yield* store.append(batch)
          batch = []
        }
        yield* store.append(batch)
      }),
    ),
  ).pipe(Effect.provide(EventStore.layer({ path, ...keepAll }))),
)
