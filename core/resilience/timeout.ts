/**
 * @module Per-call time limits. The guarded effect is interrupted when the limit passes (with
 * ccxt that aborts nothing on the wire, but the caller stops waiting and the slot is freed).
 */
import { Effect } from "effect"
import { CallTimeoutError } from "./errors.ts"

/** Fail with `CallTimeoutError { name, timeoutMs }` after `timeoutMs`. */
export const withTimeout =
  (name: string, timeoutMs: number) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CallTimeoutError, R> =>
    Effect.timeoutOrElse(self, {
      duration: timeoutMs,
      orElse: () => Effect.fail(new CallTimeoutError({ name, timeoutMs })),
    })
