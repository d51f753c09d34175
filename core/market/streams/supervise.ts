/**
 * @module The loop behind one supervised stream: a websocket loop and, beside it, a REST cover.
 *
 * Websocket: call `watch` again and again (ccxt.pro hands out one update per call). A message
 * resets the failure count and the backoff. No message within `staleAfterMs` = stale: first
 * resubscribe, and if it stays stale, drop the connection. A failure (a dropped socket rejects
 * the pending watch with NetworkError, close code 1006) waits the next `reconnect` schedule delay
 * — never less than a Retry-After — then watches again, which reconnects. A non-retryable error,
 * or a schedule that gives up, rests the websocket for `retryStreamAfterMs`, then starts over.
 *
 * REST cover (see `rest-cover.ts`): from the first failure — and while the first connection is
 * still being made — the stream is not live, and its data is polled over REST when due. The
 * first websocket message after that takes over again (`Resumed`). Both deliver through one
 * permit, so a poll and a message never interleave inside the consumer.
 */
import { Cause, Clock, Duration, Effect, Exit, Option, Semaphore } from "effect"
import { type ExchangeError, isRetryable, retryAfterMs } from "../../resilience/index.ts"
import * as M from "./metrics.ts"
import { restCover } from "./rest-cover.ts"
import type { StreamEvent, StreamMode, StreamSpec, SupervisorOptions } from "./schema.ts"
import { attempt, backoffStep, staleError, type MutableStatus } from "./supervise-steps.ts"

export type { MutableStatus } from "./supervise-steps.ts"

type Emit = (event: StreamEvent) => Effect.Effect<void>

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
    const setMode = (mode: StreamMode) =>
      Effect.sync(() => {
        status.mode = mode
      })
    const permit = yield* Semaphore.make(1)

    const deliver = (value: A, source: "stream" | "poll") =>
      Effect.gen(function* () {
        status.lastMessageAt = yield* Clock.currentTimeMillis
        status.failures = 0
        if (source === "stream") status.messages++
        else status.polls++
        yield* M.countMessage(labels, source)
        yield* spec
          .onData(value, source)
          .pipe(
            Effect.catchCause((cause) =>
              Effect.logWarning(`stream ${status.key}: consumer failed`, Cause.pretty(cause)),
            ),
          )
        yield* emit({ _tag: "Data", key: status.key, source })
      }).pipe(permit.withPermits(1))

    const recordFailure = (error: ExchangeError) =>
      Effect.gen(function* () {
        const reason = error.reason._tag
        status.errors[reason] = (status.errors[reason] ?? 0) + 1
        status.failures++
        status.lastError = `${reason}: ${error.message}`
        yield* M.countError(labels, reason)
        yield* emit({ _tag: "Failed", key: status.key, reason, message: error.message })
      })

    const cover = restCover(spec, status, options, {
      deliver: (value) => deliver(value, "poll"),
      failed: recordFailure,
      live: () => status.mode === "streaming",
    })
    if (spec.watch === undefined) {
      yield* setMode("polling")
      return yield* cover
    }
    yield* Effect.forkChild(cover)

    /** The websocket is not live any more: REST covers it from now on (one event per outage). */
    const notLive = (mode: "backoff" | "polling", why: string) =>
      Effect.gen(function* () {
        const was = status.mode
        yield* setMode(mode)
        if (was !== "streaming" && was !== "starting") return
        yield* M.countFallback(labels)
        yield* emit({ _tag: "Fallback", key: status.key, why })
        yield* Effect.logDebug(`stream ${status.key}: websocket not live (${why}); REST polling covers it`)
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

    const watch = spec.watch
    let step = yield* backoffStep(options.reconnect)
    let staleStrikes = 0
    let dirty = false
    let wsFailures = 0
    /** The schedule gave up or the error is not retryable: rest the websocket, REST carries on. */
    const rest = (why: string) =>
      Effect.gen(function* () {
        yield* notLive("polling", why)
        yield* emit({ _tag: "Backoff", key: status.key, delayMs: options.retryStreamAfterMs })
        yield* Effect.sleep(Duration.millis(options.retryStreamAfterMs))
        step = yield* backoffStep(options.reconnect)
        dirty = false
      })
    while (true) {
      const result = yield* attempt(options, `watch ${spec.kind}`, watch).pipe(
        Effect.timeoutOption(Duration.millis(options.staleAfterMs[spec.kind])),
        Effect.exit,
      )
      if (Exit.isSuccess(result) && Option.isSome(result.value)) {
        staleStrikes = 0
        wsFailures = 0
        if (dirty) {
          step = yield* backoffStep(options.reconnect)
          dirty = false
        }
        const resumed = status.mode === "backoff" || status.mode === "polling"
        yield* setMode("streaming")
        if (resumed) {
          yield* emit({ _tag: "Resumed", key: status.key })
          yield* Effect.logDebug(`stream ${status.key}: websocket delivers again; REST cover stops`)
        }
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
          if (Option.isNone(delay)) {
            yield* rest(`stale ${staleStrikes} times in a row`)
            continue
          }
          yield* notLive("backoff", `no message for ${options.staleAfterMs[spec.kind]} ms, twice`)
        }
        yield* M.countReconnect(labels, "stale")
        yield* emit({ _tag: "Stale", key: status.key, action })
        yield* Effect.logDebug(`stream ${status.key}: no message for ${options.staleAfterMs[spec.kind]} ms, ${action}`)
        yield* quietly(action, action === "reconnect" ? (spec.reconnect ?? spec.resubscribe) : spec.resubscribe)
        continue
      }
      const failure = Cause.findErrorOption(result.cause)
      if (Option.isNone(failure)) return yield* Effect.failCause(result.cause as Cause.Cause<never>)
      const error = failure.value
      yield* recordFailure(error)
      wsFailures++
      if (!isRetryable(error)) {
        yield* rest(`non-retryable ${error.reason._tag}: ${error.message}`)
        continue
      }
      const delay = yield* step(yield* Clock.currentTimeMillis, error)
      if (Option.isNone(delay)) {
        yield* rest(
          `reconnect schedule exhausted after ${wsFailures} failures (${error.reason._tag}: ${error.message})`,
        )
        continue
      }
      const wait = Math.max(delay.value, retryAfterMs(error) ?? 0)
      dirty = true
      status.reconnects++
      yield* M.countReconnect(labels, error.reason._tag)
      yield* notLive("backoff", `${error.reason._tag}: ${error.message}`)
      yield* emit({ _tag: "Backoff", key: status.key, delayMs: wait })
      yield* Effect.sleep(Duration.millis(wait))
    }
  })
