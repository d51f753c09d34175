/**
 * @module Forwards the PluginHost's changes to the bus as `plugin.*` events, so loads, reloads,
 * failures and quarantines are stored, queryable and visible on the dashboard.
 */
import { Effect, Layer, Stream } from "effect"
import { EventBus, makeEvent } from "../events/index.ts"
import { PluginHost } from "./plugin-host.ts"

export const PluginEventsLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const host = yield* PluginHost
    const bus = yield* EventBus
    yield* host.changes.pipe(
      Stream.runForEach((change) =>
        makeEvent(
          `plugin.${change.type}`,
          {
            plugin: change.name,
            kind: change.kind,
            path: change.file,
            version: change.version,
            ...(change.error === undefined ? {} : { error: change.error, reason: change.error }),
          },
          { source: "plugins" },
        ).pipe(
          Effect.flatMap((event) => bus.publish(event)),
          Effect.catch((error) => Effect.logWarning(`plugin event not published: ${String(error)}`)),
        ),
      ),
      Effect.forkScoped,
    )
  }),
)
