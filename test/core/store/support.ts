/** Helpers for event store tests: temp dirs, running with the real pipeline, events at given times. */
import { afterEach } from "bun:test"
import { Effect, Layer, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeEvent, type EventBus, type VirtuosoEvent } from "../../../core/events/index.ts"
import { layerEventPipeline, type EventStore, type StoreOptions } from "../../../core/store/index.ts"

const dirs: Array<string> = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

export const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "virtuoso-store-"))
  dirs.push(d)
  return d
}

export const runPipeline = <A, E>(
  effect: Effect.Effect<A, E, EventBus | EventStore | Scope.Scope>,
  options: StoreOptions,
) => Effect.runPromise(Effect.scoped(effect).pipe(Effect.provide(layerEventPipeline(options))))

export const runPipelineTestClock = <A, E>(
  effect: Effect.Effect<A, E, EventBus | EventStore | Scope.Scope | TestClock.TestClock>,
  options: StoreOptions,
) =>
  Effect.runPromise(
    Effect.scoped(effect).pipe(Effect.provide(layerEventPipeline(options).pipe(Layer.provideMerge(TestClock.layer())))),
  )

/** A durable signal stamped at `time`. */
export const signalAt = (time: number, symbol = "BTC/USDT", correlationId?: string): Effect.Effect<VirtuosoEvent> =>
  Effect.map(
    makeEvent("signal.emitted", { symbol, direction: "long", score: 50 }, { source: "test", correlationId }),
    (e) => ({ ...e, time }),
  )

export const DAY = 86_400_000
export const HOUR = 3_600_000
