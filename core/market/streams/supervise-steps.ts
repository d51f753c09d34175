/**
 * @module Small pieces shared by the websocket loop and the REST cover of a supervised stream.
 */
import { Cause, Duration, Effect, Option, Schedule } from "effect"
import { ExchangeError, Timeout } from "../../resilience/index.ts"
import type { StreamSpec, StreamStatus, SupervisorOptions } from "./schema.ts"

export type MutableStatus = { -readonly [K in keyof StreamStatus]: StreamStatus[K] } & {
  errors: Record<string, number>
}

/** A fresh backoff step function; re-made after every good message so delays start small again. */
export const backoffStep = (schedule: SupervisorOptions["reconnect"]) =>
  Effect.map(
    Schedule.toStep(schedule),
    (step) => (now: number, error: ExchangeError) =>
      step(now, error).pipe(
        Effect.map(([, delay]) => Option.some(Duration.toMillis(delay))),
        Effect.catchCause((cause) =>
          Cause.hasFails(cause) ? Effect.succeed(Option.none<number>()) : Effect.failCause(cause),
        ),
      ),
  )

export const staleError = (
  spec: { readonly kind: StreamSpec<unknown>["kind"] },
  options: SupervisorOptions,
): ExchangeError =>
  new ExchangeError({
    exchange: "stream",
    operation: `watch ${spec.kind}`,
    message: `no message for ${options.staleAfterMs[spec.kind]} ms`,
    reason: new Timeout(),
  })

export const attempt = <A>(options: SupervisorOptions, operation: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (e) => options.classify(e, operation) })
