/**
 * @module Driving `TestClock` while real I/O (a local HTTP server) is in flight: give the event
 * loop a real turn, then move virtual time one step, until the fiber is done. Retry delays,
 * open periods and call timeouts then pass in virtual time, while requests travel for real.
 */
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"

/** One real event-loop turn (lets sockets deliver), never virtual time. */
export const realTurn = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

export const drive = <A, E>(
  fiber: Fiber.Fiber<A, E>,
  options: { readonly stepMs?: number; readonly maxMs?: number } = {},
) =>
  Effect.gen(function* () {
    const step = options.stepMs ?? 50
    const max = options.maxMs ?? 600_000
    for (let t = 0; t < max && fiber.pollUnsafe() === undefined; t += step) {
      yield* realTurn
      if (fiber.pollUnsafe() !== undefined) break
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.await(fiber)
  })

/** Move virtual time by `ms` in steps, letting real I/O happen in between. */
export const advance = (ms: number, stepMs = 50) =>
  Effect.gen(function* () {
    for (let t = 0; t < ms; t += stepMs) {
      yield* realTurn
      yield* TestClock.adjust(Math.min(stepMs, ms - t))
    }
  })

/** Real turns until `condition` holds (bounded), without moving virtual time. */
export const until = (condition: () => boolean, maxTurns = 2000) =>
  Effect.gen(function* () {
    for (let i = 0; i < maxTurns && !condition(); i++) yield* realTurn
    if (!condition()) return yield* Effect.die(new Error("condition not reached"))
  })
