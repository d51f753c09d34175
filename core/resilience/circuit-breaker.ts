/**
 * @module CircuitBreaker as an Effect combinator over the one state machine in
 * `breaker-state.ts`, and `CircuitBreakers`: the per-name registry (one breaker per exchange
 * endpoint, event handler or plugin) with a snapshot of every state for metrics and health.
 *
 * Time comes from Effect's `Clock`, so `TestClock` drives open periods and call timeouts.
 *
 * @example
 * const breakers = yield* CircuitBreakers
 * const ohlcv = yield* breakers.get("binance:fetchOHLCV")
 * const candles = yield* fetchCandles.pipe(ohlcv.protect, withRetry())
 */
import { Cause, Clock, Context, Effect, Exit, Layer } from "effect"
import {
  type BreakerOptions,
  type BreakerSnapshot,
  type CircuitChange,
  type CircuitState,
  HANDLER_PRESET,
  Permit,
  PLUGIN_PRESET,
} from "./breaker-policy.ts"
import { BreakerState } from "./breaker-state.ts"
import { CallTimeoutError, CircuitOpenError } from "./errors.ts"
import { isEndpointFailure } from "./exchange-error.ts"

interface ProtectOptions {
  /**
   * Which failures count against the circuit. Default `isEndpointFailure`: a bad request,
   * auth failure or unsupported method is the caller's problem, so it counts as a success.
   */
  readonly isFailure?: (error: unknown) => boolean
}

/** A named breaker: the sync machine plus Effect operations over it. */
export interface CircuitBreaker {
  readonly name: string
  /** The synchronous machine, for plain-function hot loops: `allow/onSuccess/onFailure(now)`. */
  readonly machine: BreakerState
  /** Guard an effect: fails fast with `CircuitOpenError` when open, times out the call. */
  readonly protect: <A, E, R>(
    self: Effect.Effect<A, E, R>,
  ) => Effect.Effect<A, E | CircuitOpenError | CallTimeoutError, R>
  readonly protectWith: (
    options: ProtectOptions,
  ) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpenError | CallTimeoutError, R>
  readonly state: Effect.Effect<CircuitState>
  readonly snapshot: Effect.Effect<BreakerSnapshot>
  readonly isolate: (reason?: string) => Effect.Effect<void>
  readonly reset: (reason?: string) => Effect.Effect<void>
}

const settle = (
  machine: BreakerState,
  permit: Permit,
  exit: Exit.Exit<unknown, unknown>,
  now: number,
  isFailure: (error: unknown) => boolean,
): void => {
  if (Exit.isSuccess(exit)) return machine.onSuccess(now, permit)
  const cause = exit.cause
  if (Cause.hasFails(cause)) {
    const error = Cause.squash(cause)
    return isFailure(error) ? machine.onFailure(now, permit) : machine.onSuccess(now, permit)
  }
  if (Cause.hasDies(cause)) return machine.onFailure(now, permit)
  // Interrupted from outside (not our timeout, which fails): no verdict on the endpoint.
  machine.release(permit)
}

/** Guard `self` with `machine`. One implementation: every Effect path goes through here. */
const protect = (machine: BreakerState, options: ProtectOptions = {}) => {
  const isFailure = options.isFailure ?? isEndpointFailure
  const timeoutMs = machine.callTimeoutMs
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpenError | CallTimeoutError, R> =>
    Effect.clockWith((clock): Effect.Effect<A, E | CircuitOpenError | CallTimeoutError, R> => {
      const permit = machine.allow(clock.currentTimeMillisUnsafe())
      if (permit === Permit.Rejected) {
        const now = clock.currentTimeMillisUnsafe()
        return Effect.fail(
          new CircuitOpenError({
            name: machine.name,
            state: machine.state === "half-open" ? "half-open" : "open",
            retryAfterMs: machine.retryAfterMs(now),
          }),
        )
      }
      const timed: Effect.Effect<A, E | CallTimeoutError, R> =
        timeoutMs > 0
          ? Effect.timeoutOrElse(self, {
              duration: timeoutMs,
              orElse: () => Effect.fail(new CallTimeoutError({ name: machine.name, timeoutMs })),
            })
          : self
      return Effect.onExit(timed, (exit) =>
        Effect.sync(() => settle(machine, permit, exit, clock.currentTimeMillisUnsafe(), isFailure)),
      )
    })
}

/** Wrap a machine as a `CircuitBreaker`. */
const fromMachine = (machine: BreakerState): CircuitBreaker => {
  const now = Clock.currentTimeMillis
  return {
    name: machine.name,
    machine,
    protect: protect(machine),
    protectWith: (options) => protect(machine, options),
    state: Effect.map(now, (t) => machine.stateAt(t)),
    snapshot: Effect.map(now, (t) => machine.snapshot(t)),
    isolate: (reason) => Effect.map(now, (t) => machine.isolate(t, reason)),
    reset: (reason) => Effect.map(now, (t) => machine.reset(t, reason)),
  }
}

/** A standalone breaker (no registry), e.g. in a test or a single-use guard. */
export const makeCircuitBreaker = (options: BreakerOptions): CircuitBreaker => fromMachine(new BreakerState(options))

export interface CircuitBreakersOptions {
  /** Options for names with no preset (default: the exchange preset). */
  readonly defaults?: Omit<BreakerOptions, "name" | "onStateChange">
  /**
   * Per-name-prefix options, longest prefix wins. Default:
   * `{ "plugin:": PLUGIN_PRESET, "handler:": HANDLER_PRESET }`; other names get `defaults`.
   */
  readonly presets?: Readonly<Record<string, Omit<BreakerOptions, "name" | "onStateChange">>>
  /**
   * Every transition of every breaker. The lead wires the event bus here
   * (`circuit.changed` {name, from, to, reason}); it runs forked, never blocks the call.
   */
  readonly onStateChange?: (change: CircuitChange) => Effect.Effect<void>
}

const DEFAULT_PRESETS: Readonly<Record<string, Omit<BreakerOptions, "name" | "onStateChange">>> = {
  "plugin:": PLUGIN_PRESET,
  "handler:": HANDLER_PRESET,
}

/**
 * Per-name registry of circuit breakers. Names: `<exchange>:<operation>` for exchange
 * endpoints (exchange preset), `handler:<name>` for event handlers, `plugin:<name>` for plugins.
 */
export class CircuitBreakers extends Context.Service<
  CircuitBreakers,
  {
    /** The breaker called `name`, created on first use (later `options` are ignored). */
    readonly get: (
      name: string,
      options?: Omit<BreakerOptions, "name" | "onStateChange">,
    ) => Effect.Effect<CircuitBreaker>
    /** Same, synchronously, for plain-function callers (plugin host hot loop). */
    readonly getUnsafe: (name: string, options?: Omit<BreakerOptions, "name" | "onStateChange">) => CircuitBreaker
    /** Every breaker's state now, sorted by name. */
    readonly snapshot: Effect.Effect<ReadonlyArray<BreakerSnapshot>>
    readonly isolate: (name: string, reason?: string) => Effect.Effect<void>
    readonly reset: (name: string, reason?: string) => Effect.Effect<void>
  }
>()("virtuoso/resilience/CircuitBreakers") {
  static readonly layerWith = (options: CircuitBreakersOptions = {}) =>
    Layer.effect(
      CircuitBreakers,
      Effect.gen(function* () {
        const context = yield* Effect.context<never>()
        const runFork = Effect.runForkWith(context)
        const hook = options.onStateChange
        const onStateChange =
          hook === undefined
            ? undefined
            : (change: CircuitChange) => {
                runFork(hook(change))
              }
        const breakers = new Map<string, CircuitBreaker>()
        const presets = options.presets ?? DEFAULT_PRESETS
        const presetKeys = Object.keys(presets).sort((a, b) => b.length - a.length)
        const optionsFor = (name: string) => {
          const key = presetKeys.find((k) => name.startsWith(k))
          return key === undefined ? options.defaults : presets[key]
        }
        const getUnsafe = (name: string, own?: Omit<BreakerOptions, "name" | "onStateChange">): CircuitBreaker => {
          let breaker = breakers.get(name)
          if (breaker === undefined) {
            breaker = makeCircuitBreaker({ ...(own ?? optionsFor(name)), name, onStateChange })
            breakers.set(name, breaker)
          }
          return breaker
        }
        const snapshot = Effect.map(Clock.currentTimeMillis, (now) =>
          [...breakers.values()]
            .map((b) => b.machine.snapshot(now))
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        )
        return CircuitBreakers.of({
          get: (name, own) => Effect.sync(() => getUnsafe(name, own)),
          getUnsafe,
          snapshot,
          isolate: (name, reason) => Effect.suspend(() => getUnsafe(name).isolate(reason)),
          reset: (name, reason) => Effect.suspend(() => getUnsafe(name).reset(reason)),
        })
      }),
    )

  static readonly layer = CircuitBreakers.layerWith()
}
