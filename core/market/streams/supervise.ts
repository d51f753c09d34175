/**
 * @module The loop behind one supervised stream.
 *
 * Streaming: call `watch` again and again (ccxt.pro hands out one update per call). A message
 * resets the failure count and the backoff. No message within `staleAfterMs` = stale: first
 * resubscribe, and if it stays stale, drop the connection. A failure (a dropped socket rejects
 * the pending watch with NetworkError, close code 1006) waits the next `reconnect` schedule delay
 * — never less than a Retry-After — then watches again, which reconnects. A non-retryable error,
 * or a schedule that gives up, switches to REST polling; polling retries the websocket after
 * `retryStreamAfterMs`. Polling failures back off by the same schedule, so a 429/418 slows
 * everything down instead of looping into a ban.
 */
import { Cause, Clock, Duration, Effect, Exit, Option, Schedule } from "effect"
import { ExchangeError, isRetryable, retryAfterMs, Timeout } from "../../resilience/index.ts"
import * as M from "./metrics.ts"
import type { StreamEvent, StreamMode, StreamSpec, StreamStatus, SupervisorOptions } from "./schema.ts"

export type MutableStatus = { -readonly [K in keyof StreamStatus]: StreamStatus[K] } & { errors: Record<string, number> }

type Emit = (event: StreamEvent) => Effect.Effect<void>

/** A fresh backoff step function; re-made after every good message so delays start small again. */
const backoffStep = (schedule: SupervisorOptions["reconnect"]) =>
  Effect.map(Schedule.toStep(schedule), (step) => (now: number, error: ExchangeError) =>
    step(now, error).pipe(
      Effect.map(([, delay]) => Option.some(Duration.toMillis(delay))),
      Effect.catchCause((cause) => (Cause.hasFails(cause) ? Effect.succeed(Option.none<number>()) : Effect.failCause(cause))),
    ))

const staleError = (spec: { readonly kind: StreamSpec<unknown>["kind"] }, options: SupervisorOptions): ExchangeError =>
  new ExchangeError({
    exchange: "stream",
    operation: `watch ${spec.kind}`,
    message: `no message for ${options.staleAfterMs[spec.kind]} ms`,
    reason: new Timeout(),
  })

const attempt = <A>(options: SupervisorOptions, operation: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (e) => options.classify(e, operation) })

/**
 * Runs forever (until interrupted). `status` is updated in place; `emit` reports transitions.
 * `othersAlive`: whether other streams got messages recently. Then the connection works and only
 * this subscription is stuck, so staleness is answered by resubscribing, never by dropping the
 * connection every other stream is using.
 */
export const superviseStream = <A>(
  spec: StreamSpec<A>,
  status: MutableStatus,
  options: SupervisorOptions,
  emit: Emit,
  othersAlive: Effect.Effect<boolean> = Effect.succeed(false),
) =>
  Effect.gen(function* () {
    const labels = { kind: spec.kind, timeframe: spec.timeframe ?? "" }
    const setMode = (mode: StreamMode) => Effect.sync(() => { status.mode = mode })

    const deliver = (value: A, source: "stream" | "poll") =>
      Effect.gen(function* () {
        status.lastMessageAt = yield* Clock.currentTimeMillis
        status.failures = 0
        if (source === "stream") status.messages++
        else status.polls++
        yield* M.countMessage(labels, source)
        yield* spec.onData(value, source).pipe(
          Effect.catchCause((cause) => Effect.logWarning(`stream ${status.key}: consumer failed`, Cause.pretty(cause))),
        )
        yield* emit({ _tag: "Data", key: status.key, source })
      })

    const recordFailure = (error: ExchangeError) =>
      Effect.gen(function* () {
        const reason = error.reason._tag
        status.errors[reason] = (status.errors[reason] ?? 0) + 1
        status.failures++
        yield* M.countError(labels, reason)
        yield* emit({ _tag: "Failed", key: status.key, reason, message: error.message })
      })

    // Best effort: an unsubscribe on a dead socket may fail; the next watch starts clean anyway.
    const quietly = (what: string, run: (() => Promise<void>) | undefined) =>
      run === undefined
        ? Effect.void
        : attempt(options, what, run).pipe(
          Effect.timeoutOption(Duration.millis(5_000)),
          Effect.catch((e) => Effect.logDebug(`stream ${status.key}: ${what} failed: ${e.message}`)),
          Effect.asVoid,
        )

    /** Streaming phase; returns why it gave up (then we poll). */
    const streamPhase = (watch: () => Promise<A>) =>
      Effect.gen(function* () {
        let step = yield* backoffStep(options.reconnect)
        let staleStrikes = 0
        let dirty = false
        while (true) {
          const result = yield* attempt(options, `watch ${spec.kind}`, watch).pipe(
            Effect.timeoutOption(Duration.millis(options.staleAfterMs[spec.kind])),
            Effect.exit,
          )
          if (Exit.isSuccess(result) && Option.isSome(result.value)) {
            staleStrikes = 0
            if (dirty) {
              step = yield* backoffStep(options.reconnect)
              dirty = false
            }
            const resumed = status.mode === "backoff" || status.mode === "polling"
            yield* setMode("streaming")
            if (resumed) yield* emit({ _tag: "Resumed", key: status.key })
            yield* deliver(result.value.value, "stream")
            continue
          }
          if (Exit.isSuccess(result)) {
            // stale: nothing arrived in time
            staleStrikes++
            status.staleEvents++
            status.reconnects++
            const alive = yield* othersAlive
            const action = spec.resubscribe === undefined || (staleStrikes >= 2 && !alive) ? "reconnect" : "resubscribe"
            if (staleStrikes >= 2) {
              // Repeated staleness is a failing stream: it spends the same schedule as errors.
              const delay = yield* step(yield* Clock.currentTimeMillis, staleError(spec, options))
              dirty = true
              if (Option.isNone(delay)) return `stale ${staleStrikes} times in a row`
            }
            yield* M.countReconnect(labels, "stale")
            yield* emit({ _tag: "Stale", key: status.key, action })
            yield* Effect.logWarning(`stream ${status.key}: no message for ${options.staleAfterMs[spec.kind]} ms, ${action}`)
            yield* quietly(action, action === "reconnect" ? spec.reconnect ?? spec.resubscribe : spec.resubscribe)
            continue
          }
          const failure = Cause.findErrorOption(result.cause)
          if (Option.isNone(failure)) return yield* Effect.failCause(result.cause as Cause.Cause<never>)
          const error = failure.value
          yield* recordFailure(error)
          if (!isRetryable(error)) return `non-retryable ${error.reason._tag}: ${error.message}`
          const now = yield* Clock.currentTimeMillis
          const delay = yield* step(now, error)
          if (Option.isNone(delay)) return `reconnect schedule exhausted after ${status.failures} failures`
          const wait = Math.max(delay.value, retryAfterMs(error) ?? 0)
          dirty = true
          status.reconnects++
          yield* M.countReconnect(labels, error.reason._tag)
          yield* setMode("backoff")
          yield* emit({ _tag: "Backoff", key: status.key, delayMs: wait })
          yield* Effect.sleep(Duration.millis(wait))
        }
      })

    /** Polling phase; returns when it is time to try the websocket again (never without `watch`). */
    const pollPhase = Effect.gen(function* () {
      const enteredAt = yield* Clock.currentTimeMillis
      let step = yield* backoffStep(options.reconnect)
      const every = options.pollEveryMs[spec.kind]
      yield* setMode("polling")
      while (true) {
        const poll = spec.pollEffect === undefined
          ? attempt(options, `poll ${spec.kind}`, spec.poll)
          : Effect.mapError(spec.pollEffect, (e) => (e instanceof ExchangeError ? e : options.classify(e, `poll ${spec.kind}`)))
        const result = yield* Effect.exit(poll)
        let wait = every
        if (Exit.isSuccess(result)) {
          yield* deliver(result.value, "poll")
          step = yield* backoffStep(options.reconnect)
        } else {
          const failure = Cause.findErrorOption(result.cause)
          if (Option.isNone(failure)) return yield* Effect.failCause(result.cause as Cause.Cause<never>)
          yield* recordFailure(failure.value)
          const delay = yield* step(yield* Clock.currentTimeMillis, failure.value)
          // Past the schedule's end keep polling, at its slowest: never faster than `every`.
          wait = Math.max(every, Option.getOrElse(delay, () => every * 4), retryAfterMs(failure.value) ?? 0)
        }
        const now = yield* Clock.currentTimeMillis
        if (spec.watch !== undefined && now + wait - enteredAt >= options.retryStreamAfterMs) {
          yield* Effect.sleep(Duration.millis(Math.max(0, enteredAt + options.retryStreamAfterMs - now)))
          return
        }
        yield* Effect.sleep(Duration.millis(wait))
      }
    })

    while (true) {
      if (spec.watch !== undefined) {
        const why = yield* streamPhase(spec.watch)
        yield* M.countFallback(labels)
        yield* emit({ _tag: "Fallback", key: status.key, why })
        yield* Effect.logWarning(`stream ${status.key}: falling back to REST polling (${why})`)
      }
      yield* pollPhase
    }
  })
