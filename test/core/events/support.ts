/** Shared helpers for the event bus tests: running with a bus, counting, building events. */
import { Deferred, Effect, Layer, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { EventBus, makeEvent, type BusOptions, type VirtuosoEvent } from "../../../core/events/index.ts"

export const runBus = <A, E>(effect: Effect.Effect<A, E, EventBus | Scope.Scope>, options: BusOptions = {}) =>
  Effect.runPromise(Effect.scoped(effect).pipe(Effect.provide(EventBus.layerWith(options))))

export const runBusTestClock = <A, E>(
  effect: Effect.Effect<A, E, EventBus | Scope.Scope | TestClock.TestClock>,
  options: BusOptions = {},
) =>
  Effect.runPromise(
    Effect.scoped(effect).pipe(Effect.provide(EventBus.layerWith(options).pipe(Layer.provideMerge(TestClock.layer())))),
  )

/** Resolves `done` once `hit` ran `n` times. */
export const countdown = (n: number) =>
  Effect.gen(function* () {
    const done = yield* Deferred.make<void>()
    let count = 0
    const hit = Effect.suspend(() => (++count >= n ? Deferred.succeed(done, undefined) : Effect.void)).pipe(
      Effect.asVoid,
    )
    return { done, hit, count: () => count }
  })

export const signal = (score: number, symbol = "BTC/USDT") =>
  makeEvent("signal.emitted", { symbol, direction: "long", score }, { source: "test" })
export const ticker = (last: number, symbol = "BTC/USDT") =>
  makeEvent("market.ticker", { symbol, time: 0, last }, { source: "test" })
export const trades = (price: number, symbol = "BTC/USDT") =>
  makeEvent(
    "market.trades",
    { symbol, trades: [{ id: "t1", time: 0, price, amount: 1, side: "buy" }] },
    { source: "test" },
  )
/** A normal-lane event; `score` travels in `detail`. */
export const indicator = (score: number) =>
  makeEvent(
    "stream.changed",
    { stream: "BTC/USDT|trades", symbol: "BTC/USDT", state: "stale", detail: String(score) },
    { source: "test" },
  )
export const health = (n: number) =>
  makeEvent("health.changed", { component: `c${n}`, status: "healthy" }, { source: "test" })

export const scoreOf = (e: VirtuosoEvent): number =>
  e.type === "stream.changed"
    ? Number(e.payload.detail)
    : ((e.payload as { score?: number; last?: number }).score ?? (e.payload as { last: number }).last)
