/**
 * @module The rig of the fault-injection tests: real ccxt (binance) pointed at this file's
 * faulty exchange, behind ExchangeGuard with recorded retries and attempt times, run under a
 * TestClock with CircuitBreakers whose changes are collected.
 */
import ccxt from "ccxt"
import { Clock, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  type CircuitChange,
  CircuitBreakers,
  ExchangeError,
  makeExchangeGuard,
  type RetryInfo,
  type RetryOptions,
} from "../../../core/resilience/index.ts"
import type { FaultyExchangeForFile } from "../../support/faulty-exchange/index.ts"

export const makeFaultRig = (env: FaultyExchangeForFile) => {
  const newExchange = () =>
    new ccxt.binance({
      enableRateLimit: false,
      timeout: 600_000, // our TestClock call timeout must be the one that fires
      markets: env.fx.markets as never,
      urls: { api: { public: env.fx.ccxtUrls.public } } as never,
    })

  interface Rig {
    readonly ex: ReturnType<typeof newExchange>
    readonly guard: ReturnType<typeof makeExchangeGuard>
    readonly breakers: CircuitBreakers["Service"]
    /** Every retry the guard scheduled, with the virtual time it was decided (the failure's). */
    readonly retries: Array<RetryInfo & { readonly at: number }>
    /** Virtual time of every attempt that reached ccxt. */
    readonly attempts: Array<number>
    readonly now: () => number
  }

  const rig = (changes: Array<CircuitChange>, retry: RetryOptions = {}) =>
    Effect.gen(function* () {
      const breakers = yield* CircuitBreakers
      const clock = yield* Clock.Clock
      const ex = newExchange()
      const retries: Array<RetryInfo & { readonly at: number }> = []
      const guard = makeExchangeGuard(breakers, {
        exchange: "binance",
        headers: () => ex.last_response_headers as Record<string, string> | undefined,
        rate: { capacity: 100, refillPerSecond: 100 },
        retry: {
          ...retry,
          onRetry: (info) => Effect.sync(() => void retries.push({ ...info, at: clock.currentTimeMillisUnsafe() })),
        },
      })
      return {
        ex,
        guard,
        breakers,
        retries,
        attempts: [] as Array<number>,
        now: () => clock.currentTimeMillisUnsafe(),
      } satisfies Rig
    })

  const run = <A, E>(effect: Effect.Effect<A, E, CircuitBreakers>, changes: Array<CircuitChange> = []) =>
    Effect.runPromise(
      effect.pipe(
        Effect.provide(
          Layer.mergeAll(CircuitBreakers.layerWith({ onStateChange: (c) => Effect.sync(() => void changes.push(c)) })),
        ),
        Effect.provide(TestClock.layer()),
      ),
    )

  const ticker = (r: Rig) => r.guard.call("fetchTicker", () => (r.attempts.push(r.now()), r.ex.fetchTicker("BTC/USDT")))
  const reasonOf = (e: unknown) => (e instanceof ExchangeError ? e.reason._tag : (e as { _tag?: string })._tag)

  return { rig, run, ticker, reasonOf }
}
