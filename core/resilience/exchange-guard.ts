/**
 * @module ExchangeGuard: the standard wrapping of one exchange call, so the exchange plugin and
 * MarketData do not each re-assemble it:
 *
 *   retry( fail-fast-if-open → rate budget → bulkhead → breaker(timeout(call)) → classify )
 *
 * One breaker per endpoint (`<exchange>:<operation>`), one bulkhead and one rate budget per
 * exchange (shared by all symbols). A 429/418 with Retry-After pauses the whole budget.
 *
 * @example
 * const guard = makeExchangeGuard(breakers, { exchange: "binance", rate: { capacity: 20, refillPerSecond: 10 } })
 * const candles = yield* guard.call("fetchOHLCV", () => ex.fetchOHLCV("BTC/USDT", "1m"))
 */
import { Context, Effect, Layer } from "effect"
import { CircuitBreakers } from "./circuit-breaker.ts"
import { makeBulkhead, type Bulkhead } from "./bulkhead.ts"
import { type BulkheadFullError, CircuitOpenError, type RateBudgetExceededError } from "./errors.ts"
import { describeFailure } from "./describe-failure.ts"
import { classifyCcxtError } from "./classify-exchange-error.ts"
import { BadResponse, ExchangeError, retryAfterMs, Timeout } from "./exchange-error.ts"
import { makeRateBudget, type RateBudget } from "./rate-budget.ts"
import { withRetry, type RetryOptions } from "./retry.ts"

export interface ExchangeGuardOptions {
  readonly exchange: string
  /** Calls in flight at once. @default 4 */
  readonly maxConcurrent?: number
  readonly maxQueued?: number
  /** Shared request budget. @default 20 burst, 10/s */
  readonly rate?: { readonly capacity: number; readonly refillPerSecond: number; readonly maxWaitMs?: number }
  readonly retry?: RetryOptions
  /** Response headers of the last call (ccxt: `() => exchange.last_response_headers`), for Retry-After. */
  readonly headers?: () => Readonly<Record<string, string | undefined>> | undefined
}

type GuardError = ExchangeError | CircuitOpenError | BulkheadFullError | RateBudgetExceededError

export interface CallOptions<A> {
  /** Request weight taken from the rate budget. @default 1 */
  readonly cost?: number
  readonly retry?: RetryOptions
  /**
   * Reject a reply that parsed but is unusable (ccxt turns malformed JSON into candles of
   * nulls, an empty body into []): return a message to fail with `BadResponse` (retried,
   * counted by the breaker, and a cache serves its last good value), undefined to accept.
   */
  readonly validate?: (value: A) => string | undefined
  /**
   * "stream" for `watch*` calls: they wait for the next message, so they bypass the REST
   * bulkhead and rate budget (a quiet stream must not hold a REST slot). Give stream breakers a
   * longer call timeout with a `CircuitBreakers` preset such as `"binance:watch"`. @default "rest"
   */
  readonly kind?: "rest" | "stream"
  /**
   * Called on every failed attempt, retried or not, so a caller can tell at once what the final
   * error (after retries) would tell only much later, e.g. that the host cannot be reached.
   */
  readonly onAttemptFailure?: (error: ExchangeError) => Effect.Effect<void>
}

export interface ExchangeGuard {
  readonly exchange: string
  readonly bulkhead: Bulkhead
  readonly budget: RateBudget
  /** Run one exchange call (`operation` names the endpoint's breaker). `cost` = request weight. */
  readonly call: <A>(
    operation: string,
    run: (signal: AbortSignal) => Promise<A>,
    options?: CallOptions<A>,
  ) => Effect.Effect<A, GuardError>
}

export const makeExchangeGuard = (
  breakers: CircuitBreakers["Service"],
  options: ExchangeGuardOptions,
): ExchangeGuard => {
  const exchange = options.exchange
  const bulkhead = makeBulkhead({
    name: exchange,
    maxConcurrent: options.maxConcurrent ?? 4,
    maxQueued: options.maxQueued,
  })
  const budget = makeRateBudget({
    name: exchange,
    capacity: options.rate?.capacity ?? 20,
    refillPerSecond: options.rate?.refillPerSecond ?? 10,
    maxWaitMs: options.rate?.maxWaitMs,
  })
  const headers = options.headers
  /** The last failure per endpoint, described, so an open circuit can still say why it opened. */
  const lastFailures = new Map<string, string>()
  const withCause =
    (operation: string) =>
    (e: GuardError): GuardError => {
      const lastFailure = lastFailures.get(operation)
      return e instanceof CircuitOpenError && e.lastFailure === undefined && lastFailure !== undefined
        ? new CircuitOpenError({ ...e, lastFailure })
        : e
    }

  const call = <A>(
    operation: string,
    run: (signal: AbortSignal) => Promise<A>,
    callOptions: CallOptions<A> = {},
  ): Effect.Effect<A, GuardError> => {
    const validate = callOptions.validate
    const breaker = breakers.getUnsafe(`${exchange}:${operation}`)
    const attempt: Effect.Effect<A, ExchangeError> = Effect.clockWith((clock) =>
      Effect.tryPromise({
        try: run,
        catch: (e) =>
          classifyCcxtError(e, { exchange, operation, headers: headers?.(), nowMs: clock.currentTimeMillisUnsafe() }),
      }),
    ).pipe(
      Effect.flatMap((value) => {
        const problem = validate?.(value)
        return problem === undefined
          ? Effect.succeed(value)
          : Effect.fail(
              new ExchangeError({
                exchange,
                operation,
                message: `${exchange} ${operation}: ${problem}`,
                reason: new BadResponse(),
              }),
            )
      }),
      Effect.tapError((e) => {
        lastFailures.set(operation, describeFailure(e))
        const wait = retryAfterMs(e)
        const pause = wait === undefined ? Effect.void : budget.pauseFor(wait)
        const onFailure = callOptions.onAttemptFailure
        return onFailure === undefined ? pause : Effect.andThen(pause, onFailure(e))
      }),
    )
    const guarded: Effect.Effect<A, GuardError> = Effect.clockWith((clock) => {
      // Fail fast while open: do not queue for tokens or slots just to be rejected.
      if (breaker.machine.stateAt(clock.currentTimeMillisUnsafe()) === "open") {
        return Effect.fail(
          new CircuitOpenError({
            name: breaker.name,
            state: "open",
            retryAfterMs: breaker.machine.retryAfterMs(clock.currentTimeMillisUnsafe()),
          }),
        )
      }
      const protectedCall = attempt.pipe(
        breaker.protect,
        Effect.catchTag("CallTimeoutError", (e) =>
          Effect.fail(
            new ExchangeError({
              exchange,
              operation,
              message: `${exchange} ${operation} timed out after ${e.timeoutMs} ms`,
              reason: new Timeout(),
            }),
          ),
        ),
      )
      return callOptions.kind === "stream"
        ? protectedCall
        : protectedCall.pipe(bulkhead.run, budget.run(callOptions.cost ?? 1))
    })
    return guarded.pipe(withRetry({ ...options.retry, ...callOptions.retry }), Effect.mapError(withCause(operation)))
  }

  return { exchange, bulkhead, budget, call }
}

/**
 * One guard per exchange id for the whole process, so every service calling an exchange
 * (market data, top symbols, stream backfills) draws on the same rate budget and bulkhead.
 */
export class ExchangeGuards extends Context.Service<
  ExchangeGuards,
  {
    /** The guard for `options.exchange`, created on first use (later options are ignored). */
    readonly get: (options: ExchangeGuardOptions) => Effect.Effect<ExchangeGuard>
    readonly all: Effect.Effect<ReadonlyArray<ExchangeGuard>>
  }
>()("virtuoso/resilience/ExchangeGuards") {
  static readonly layerNoDeps = Layer.effect(
    ExchangeGuards,
    Effect.gen(function* () {
      const breakers = yield* CircuitBreakers
      const guards = new Map<string, ExchangeGuard>()
      return ExchangeGuards.of({
        get: (options) =>
          Effect.sync(() => {
            let guard = guards.get(options.exchange)
            if (guard === undefined) {
              guard = makeExchangeGuard(breakers, options)
              guards.set(options.exchange, guard)
            }
            return guard
          }),
        all: Effect.sync(() => [...guards.values()]),
      })
    }),
  )
  /** Needs `CircuitBreakers` in the context (the app has one registry). */
  static readonly layer = ExchangeGuards.layerNoDeps
}
