/**
 * A websocket drop under real ccxt.pro: the pending watch rejects (ccxt reconnects only on the
 * next call), the guard classifies it Network and retries, the retry reconnects and resubscribes.
 */
import { describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import {
  CircuitBreakers,
  type ExchangeError,
  makeExchangeGuard,
  type RetryInfo,
} from "../../../core/resilience/index.ts"
import { faultyExchangeForFile, realTurn, until } from "../../support/faulty-exchange/index.ts"

const env = faultyExchangeForFile()

describe("fault injection: websocket drops", () => {
  test("a dropped socket rejects the pending watch; the retry reconnects and data flows again", async () => {
    const ex = new ccxt.pro.binance({
      enableRateLimit: false,
      markets: env.fx.markets as never,
      urls: { api: { public: env.fx.ccxtUrls.public, ws: { spot: env.fx.ccxtUrls.ws.spot } } } as never,
    })
    await ex.loadHttpProxyAgent()
    const retries: Array<RetryInfo> = []
    try {
      await Effect.runPromise(
        Effect.gen(function* () {
          const breakers = yield* CircuitBreakers
          const guard = makeExchangeGuard(breakers, {
            exchange: "binance",
            retry: { onRetry: (info) => Effect.sync(() => void retries.push(info)) },
          })
          const watch = () => guard.call("watchTrades", () => ex.watchTrades("BTC/USDT"), { kind: "stream" })

          const first = yield* Effect.forkChild(watch())
          yield* Effect.promise(() => env.fx.waitForSubscribes(1))
          env.fx.pushTrade(43100.01)
          expect((yield* Fiber.join(first)).map((t) => t.price)).toEqual([43100.01])

          const second = yield* Effect.forkChild(watch())
          yield* realTurn
          env.fx.dropWebSockets()
          // the drop fails the attempt; the retry sleeps ~1 s of virtual time...
          yield* until(() => retries.length === 1)
          yield* TestClock.adjust(1100)
          // ...then ccxt reconnects (in real time) and resubscribes
          yield* until(() => env.fx.subscribes() >= 2, 5000)
          expect(env.fx.subscribes()).toBe(2)
          env.fx.pushTrade(43200.5)
          const exit = yield* Fiber.await(second)
          expect(Exit.isSuccess(exit) && exit.value.at(-1)?.price).toBe(43200.5)
          expect(retries).toHaveLength(1)
          expect((retries[0].error as ExchangeError).reason._tag).toBe("Network")
          expect((retries[0].error as ExchangeError).message).toContain("connection closed")
          expect((yield* breakers.snapshot)[0]).toMatchObject({
            name: "binance:watchTrades",
            state: "closed",
            failures: 1,
          })
        }).pipe(Effect.provide(CircuitBreakers.layer), Effect.provide(TestClock.layer())),
      )
    } finally {
      await ex.close()
    }
    expect(env.unhandled).toBe(0)
  })
})
