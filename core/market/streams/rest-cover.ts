/**
 * @module REST cover for one supervised stream: while its websocket is not live (connecting,
 * backing off, resting after repeated failures), the same data is polled over REST when it is
 * due, so a series is never staler than one poll interval while REST works.
 *
 * "Due" is `pollEveryMs` after the last update, and not before the spec's `nextDataAt()` — for
 * candles the close of the next candle by the exchange's clock. A candle stream that just lost
 * its socket therefore polls once per period, right after each close, and a flapping socket
 * costs no REST calls.
 * A failing poll backs off by the reconnect schedule, never faster than the cadence and never
 * before a Retry-After, so a 429/418 slows the cover down instead of looping into a ban.
 */
import { Cause, Clock, Duration, Effect, Exit, Option } from "effect"
import { ExchangeError, retryAfterMs } from "../../resilience/index.ts"
import type { StreamSpec, SupervisorOptions } from "./schema.ts"
import { attempt, backoffStep, type MutableStatus } from "./supervise-steps.ts"

/** How often an idle cover checks whether it is needed (the websocket may drop at any time). */
const IDLE_CHECK_MS = 1_000

export interface CoverHooks<A> {
  readonly deliver: (value: A) => Effect.Effect<void>
  readonly failed: (error: ExchangeError) => Effect.Effect<void>
  /** Whether the websocket is live now (then the cover sleeps). */
  readonly live: () => boolean
}

/** The poll as an Effect failing with a classified ExchangeError. */
const pollOnce = <A>(spec: StreamSpec<A>, options: SupervisorOptions): Effect.Effect<A, ExchangeError> =>
  spec.pollEffect === undefined
    ? attempt(options, `poll ${spec.kind}`, spec.poll)
    : Effect.mapError(spec.pollEffect, (e) =>
        e instanceof ExchangeError ? e : options.classify(e, `poll ${spec.kind}`),
      )

/** When the next poll is due after an update at `lastAt`. */
const dueAfter = <A>(spec: StreamSpec<A>, options: SupervisorOptions, lastAt: number): number =>
  Math.max(lastAt + options.pollEveryMs[spec.kind], spec.nextDataAt?.() ?? -Infinity)

/** Runs forever (until interrupted), polling whenever `hooks.live()` is false and data is due. */
export const restCover = <A>(
  spec: StreamSpec<A>,
  status: MutableStatus,
  options: SupervisorOptions,
  hooks: CoverHooks<A>,
) =>
  Effect.gen(function* () {
    let step = yield* backoffStep(options.reconnect)
    let retryAt = -Infinity
    const every = options.pollEveryMs[spec.kind]
    while (true) {
      const now = yield* Clock.currentTimeMillis
      if (hooks.live()) {
        yield* Effect.sleep(Duration.millis(IDLE_CHECK_MS))
        continue
      }
      // A REST-only stream polls at once; one with a websocket gives it one cadence to connect.
      const first = status.lastMessageAt === undefined && spec.watch === undefined
      const due = first ? retryAt : Math.max(retryAt, dueAfter(spec, options, status.lastMessageAt ?? status.startedAt))
      if (now < due) {
        yield* Effect.sleep(Duration.millis(Math.min(due - now, IDLE_CHECK_MS)))
        continue
      }
      const result = yield* Effect.exit(pollOnce(spec, options))
      if (Exit.isSuccess(result)) {
        retryAt = -Infinity
        step = yield* backoffStep(options.reconnect)
        yield* hooks.deliver(result.value)
        continue
      }
      const failure = Cause.findErrorOption(result.cause)
      if (Option.isNone(failure)) return yield* Effect.failCause(result.cause as Cause.Cause<never>)
      yield* hooks.failed(failure.value)
      const delay = yield* step(yield* Clock.currentTimeMillis, failure.value)
      // Past the schedule's end keep polling, at its slowest: never faster than the cadence.
      const wait = Math.max(
        every,
        Option.getOrElse(delay, () => every * 4),
        retryAfterMs(failure.value) ?? 0,
      )
      retryAt = (yield* Clock.currentTimeMillis) + wait
    }
  })
