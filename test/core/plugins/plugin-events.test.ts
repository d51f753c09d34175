import { expect, test } from "bun:test"
import { Effect, Layer, Queue, References } from "effect"
import { TestClock } from "effect/testing"
import { EventBus, type VirtuosoEvent } from "../../../core/events/index.ts"
import { PluginEventsLive, PluginHost } from "../../../core/plugins/index.ts"
import { ROOT, context } from "./support.ts"

test("quarantine and recovery reach the EventBus as plugin.quarantined / plugin.recovered", async () => {
  const host = PluginHost.layer({
    root: ROOT,
    folders: ["test/fixtures/plugins/runtime"],
    ownedFolders: ["test/fixtures/plugins/runtime"],
    watch: false,
    budgetMs: 250,
  })
  const layer = PluginEventsLive.pipe(Layer.provideMerge(Layer.mergeAll(host, EventBus.layerTest)))
  const events = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const plugins = yield* PluginHost
        const bus = yield* EventBus
        const received = yield* Queue.unbounded<VirtuosoEvent>()
        // Subscribe first, then cause the events.
        yield* bus.subscribe("plugin.*", (e) => Queue.offer(received, e))
        const technical = new Set(["technical"] as const)
        for (let i = 0; i < 3; i++) yield* plugins.evaluate(context("BAD"), technical)
        yield* TestClock.adjust(60_000)
        yield* plugins.evaluate(context("OK"), technical)
        const out: Array<VirtuosoEvent> = []
        while (out.length < 2) {
          const e = yield* Queue.take(received)
          if (e.type === "plugin.quarantined" || e.type === "plugin.recovered") out.push(e)
        }
        return out
      }),
    ).pipe(
      Effect.provide(layer),
      Effect.provide(TestClock.layer()),
      Effect.provideService(References.MinimumLogLevel, "Error"),
    ),
  )
  expect(events.map((e) => e.type)).toEqual(["plugin.quarantined", "plugin.recovered"])
  expect(events[0].payload).toMatchObject({
    plugin: "throws",
    kind: "indicator",
    path: "test/fixtures/plugins/runtime/throws.ts",
  })
  expect((events[0].payload as { reason: string }).reason).toContain("compute threw Error: boom")
  expect(events[0].source).toBe("plugins")
  expect(events[1].payload).toMatchObject({ plugin: "throws" })
  expect(events[1].time).toBe(60_000)
})
