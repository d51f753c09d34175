/**
 * @module The exchange session: the configured exchange adapter (closed with the scope), its
 * guard (one breaker per endpoint, the shared rate budget and bulkhead, classified retries) and
 * `call`, every request through that guard with a per-operation time limit; plus the counters
 * MarketData's stats report.
 */
import { Clock, Duration, Effect } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import type { ExchangePlugin } from "../plugins/sdk.ts"
import {
  describeFailure,
  type ExchangeError,
  ExchangeGuards,
  makeLogDigest,
  type RateBudget,
} from "../resilience/index.ts"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"
import { CLOCK_SKEW_EVERY_MS, trackClockSkew } from "./clock-skew.ts"
import { acquireExchange } from "./exchange-loader.ts"

/** One guarded exchange request: `operation` names the endpoint (its breaker), `detail` the subject. */
type Call = <A>(
  operation: string,
  detail: string,
  f: () => Promise<A>,
  timeoutMs: number,
  /** What the call asks for, when its weight depends on it (candles: how many). */
  args?: { readonly limit?: number },
) => Effect.Effect<A, Error>

interface MarketCounters {
  polls: number
  errors: number
  candlesAppended: number
  duplicates: number
  malformed: number
  gapsBackfilled: number
  lastPoll: number
  lastErrorAt: number
  lastError: string | undefined
  /** The exchange answered a request since start. */
  answered: boolean
  /** Set while it has not: why, and what happens next. */
  unreachable: string | undefined
}

export interface ExchangeSession {
  readonly adapter: ExchangeAdapter
  readonly call: Call
  /** The guard alone, for callers that set their own time limit (stream fallbacks, ranking). */
  readonly guarded: <A>(operation: string, run: () => Promise<A>, allSymbols?: boolean) => Effect.Effect<A, unknown>
  readonly counters: MarketCounters
  readonly now: () => number
  /**
   * Add to our clock for "has this candle closed?" by the exchange's clock (see clock-skew.ts);
   * re-measured every few minutes, so read it when it is needed.
   */
  readonly closeOffset: number
  /** Counts one sign of life from the exchange (a stream update). */
  readonly alive: Effect.Effect<void>
  /** Counts one finished REST round (its requests say whether the exchange answered). */
  readonly polled: Effect.Effect<void>
}

/** The one line that says the exchange is unreachable at start, and `/health`'s reason for it. */
export const unreachableLine = (exchange: string, cause: string): string =>
  `${exchange} unreachable: ${cause}; retrying, no market data until it answers`

export const makeExchangeSession = (plugin: ExchangePlugin, config: VirtuosoConfig, symbols: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const guards = yield* ExchangeGuards
    const now = () => clock.currentTimeMillisUnsafe()
    // Requests the plugin makes on its own (a market list in pages) spend from the same budget;
    // the guard exists once the adapter says what its budget is, before any request is made.
    let spendFrom: RateBudget | undefined
    const context = yield* Effect.context<never>()
    const spend = (cost: number) =>
      spendFrom === undefined ? Promise.resolve() : Effect.runPromiseWith(context)(spendFrom.take(cost))
    const adapter = yield* acquireExchange(plugin, config.exchange, symbols, now, spend)
    const counters: MarketCounters = {
      polls: 0,
      errors: 0,
      candlesAppended: 0,
      duplicates: 0,
      malformed: 0,
      gapsBackfilled: 0,
      lastPoll: 0,
      lastErrorAt: 0,
      lastError: undefined,
      answered: false,
      unreachable: undefined,
    }
    const budget = config.exchange.rateBudget
    const guard = yield* guards.get({
      exchange: adapter.id,
      maxConcurrent: config.exchange.maxConcurrent,
      // Units are the adapter's request weights (see `requestCost`); its own limit by default.
      rate:
        budget === undefined
          ? plugin.name === "sim"
            ? { capacity: 1_000_000, refillPerSecond: 1_000_000 }
            : { capacity: adapter.rateBudget?.capacity ?? 20, refillPerSecond: adapter.rateBudget?.perSecond ?? 10 }
          : { capacity: budget.capacity, refillPerSecond: budget.perSecond },
    })
    spendFrom = guard.budget
    const weightOf = (operation: string, args: { readonly allSymbols?: boolean; readonly limit?: number } = {}) =>
      adapter.requestCost?.(operation, args) ?? 1
    // Candles close by the exchange's clock: measured at start and again every few minutes, each
    // reading charged to the budget (it is not a guarded call: retries would blur the round trip).
    const clockOffset = yield* trackClockSkew(adapter, CLOCK_SKEW_EVERY_MS, guard.budget.take(weightOf("fetchTime")))
    // Repeated failures of one endpoint: one line per 30 s with a count, not one per call.
    const failures = makeLogDigest(30_000)
    /** The exchange answered: its endpoint works again, and it is reachable. */
    const answered = (operation: string) =>
      Effect.sync(() => {
        failures.recovered(operation)
        counters.unreachable = undefined
        counters.answered = true
      })
    /**
     * The first attempt that shows the host unreachable (refused, reset, DNS: a network error)
     * before it ever answered is said at once, in one line, while the retries go on.
     */
    const onAttemptFailure = (what: string) => (e: ExchangeError) =>
      Effect.suspend(() => {
        if (counters.answered || counters.unreachable !== undefined || e.reason._tag !== "Network") return Effect.void
        counters.unreachable = unreachableLine(adapter.id, `${what}: ${describeFailure(e)}`)
        return Effect.logError(counters.unreachable)
      })
    const call: Call = (operation, detail, f, timeoutMs, args) =>
      guard
        .call(operation, () => f(), {
          cost: weightOf(operation, args),
          onAttemptFailure: onAttemptFailure(`${operation} ${detail}`),
        })
        .pipe(
          Effect.timeoutOrElse({
            duration: Duration.millis(timeoutMs),
            orElse: () => Effect.fail(new Error(`timed out after ${timeoutMs} ms`)),
          }),
          Effect.mapError((error) => new Error(`${operation} ${detail}: ${describeFailure(error)}`)),
          Effect.tapError((error) =>
            Effect.sync(() => {
              counters.errors++
              counters.lastErrorAt = now()
              counters.lastError = error.message
            }).pipe(Effect.andThen(failures.warn(operation, `${adapter.id} ${error.message}`))),
          ),
          Effect.tap(() => answered(operation)),
        )
    const session: ExchangeSession = {
      adapter,
      call,
      counters,
      now,
      get closeOffset() {
        return clockOffset.closeOffset()
      },
      guarded: (operation, run, allSymbols = false) =>
        guard
          .call(operation, run, {
            cost: weightOf(operation, { allSymbols }),
            onAttemptFailure: onAttemptFailure(operation),
          })
          .pipe(
            Effect.tapError((e) => failures.warn(operation, `${adapter.id} ${operation}: ${describeFailure(e)}`)),
            Effect.tap(() => answered(operation)),
          ),
      polled: Effect.sync(() => {
        counters.polls++
        counters.lastPoll = now()
      }),
      alive: Effect.sync(() => {
        counters.answered = true
        counters.unreachable = undefined
        counters.polls++
        counters.lastPoll = now()
      }),
    }
    return session
  })
