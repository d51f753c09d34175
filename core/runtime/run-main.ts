/**
 * @module Runs the engine as the process's main fiber.
 *
 * SIGINT/SIGTERM interrupt the main fiber: intake stops and every scope closes in reverse order
 * of acquisition (the finalizers drain the bus, flush the store, close servers). A clean drain
 * after a signal exits 0 (Effect's own runMain would exit 130); a second signal, or a drain
 * longer than the grace period, forces exit 1. Startup failures print one line and exit non-zero.
 */
import { Cause, Effect, Exit, Fiber } from "effect"

export interface RunMainOptions {
  /** How long the drain may take after the first signal. */
  readonly graceMs?: number
  /** Exit code for a failure whose error carries none. */
  readonly failureCode?: number
}

const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  if (error && typeof error === "object" && "_tag" in error && "message" in error) {
    return `${String((error as { _tag: unknown })._tag)}: ${String((error as { message: unknown }).message)}`
  }
  return Cause.pretty(cause)
}

export const runMain = <A, E>(
  program: Effect.Effect<A, E>,
  { graceMs = 5000, failureCode = 1 }: RunMainOptions = {},
) => {
  const fiber = Effect.runFork(program)
  // The main fiber alone does not keep the event loop alive (e.g. with HTTP disabled).
  const keepAlive = setInterval(() => {}, 1 << 30)
  let signalled = false

  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`virtuoso: second ${signal}, forcing exit\n`)
      process.exit(1)
    }
    signalled = true
    process.stderr.write(`virtuoso: ${signal} received, draining\n`)
    setTimeout(() => {
      process.stderr.write(`virtuoso: drain exceeded ${graceMs} ms, forcing exit\n`)
      process.exit(1)
    }, graceMs).unref()
    Effect.runFork(Fiber.interrupt(fiber))
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)

  fiber.addObserver((exit) => {
    clearInterval(keepAlive)
    if (Exit.isSuccess(exit) || (signalled && Cause.hasInterruptsOnly(exit.cause))) {
      process.exit(0)
    }
    process.stderr.write(`virtuoso: ${describeFailure(exit.cause)}\n`)
    process.exit(failureCode)
  })
}
