/**
 * The circuit breaker in front of real ccxt (binance) against the local faulty exchange: it
 * opens, fails fast, probes one call at a time, closes; a call timeout counts as a failure.
 * TestClock for every delay.
 */
import { beforeEach, describe, expect, test } from "bun:test"
import { Effect, Exit } from "effect"
import type { CircuitChange } from "../../../core/resilience/index.ts"
import { advance, drive, faultyExchangeForFile } from "../../support/faulty-exchange/index.ts"
import { makeFaultRig } from "./fault-rig.ts"

const env = faultyExchangeForFile()
beforeEach(() => env.fx.clear())
const { rig, run, ticker, reasonOf } = makeFaultRig(env)

describe("fault injection: the breaker in front of real ccxt", () => {
  test(
    "breaker: opens after 5 failures, fails fast without touching the server, probes after 60 s, closes after 3 " +
      "successes",
    async () => {
      const changes: Array<CircuitChange> = []
      await run(
        Effect.gen(function* () {
          const r = yield* rig(changes)
          env.fx.inject({ fault: { kind: "status", status: 503 } })
          const first = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r)))) // attempts 1-3
          expect(Exit.isSuccess(first) && reasonOf(first.value)).toBe("ServerError")
          const second = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r)))) // attempts 4-5, then open
          expect(Exit.isSuccess(second) && reasonOf(second.value)).toBe("CircuitOpenError")
          expect(r.attempts).toHaveLength(5)
          const openedAt = changes[0].at
          expect(changes[0]).toMatchObject({
            name: "binance:fetchTicker",
            from: "closed",
            to: "open",
            reason: "5 consecutive failures",
          })
          const hits = env.fx.requests.length
          const rejected = yield* drive(yield* Effect.forkChild(Effect.flip(ticker(r))))
          expect(Exit.isSuccess(rejected) && rejected.value).toMatchObject({ _tag: "CircuitOpenError", state: "open" })
          expect(env.fx.requests.length).toBe(hits) // fail fast: the server saw nothing
          // Other endpoints keep working while this one is open.
          const book = yield* drive(
            yield* Effect.forkChild(r.guard.call("fetchOrderBook", () => r.ex.fetchOrderBook("BTC/USDT", 2))),
          )
          expect(Exit.isFailure(book)).toBe(true) // the fault hits every path...
          env.fx.clear() // ...until the storm ends
          yield* advance(60_000 - (r.now() - openedAt), 1000)
          for (let i = 0; i < 3; i++) {
            const ok = yield* drive(yield* Effect.forkChild(ticker(r)))
            expect(Exit.isSuccess(ok)).toBe(true)
          }
          const snap = (yield* r.breakers.snapshot).find((b) => b.name === "binance:fetchTicker")!
          expect(snap.state).toBe("closed")
        }),
        changes,
      )
      const ticks = changes.filter((c) => c.name === "binance:fetchTicker")
      expect(ticks.map((c) => `${c.from}>${c.to}`)).toEqual(["closed>open", "open>half-open", "half-open>closed"])
      expect(ticks[1].at - ticks[0].at).toBeGreaterThanOrEqual(60_000)
      expect(ticks[1].at - ticks[0].at).toBeLessThan(62_000)
      expect(ticks[2].reason).toBe("3 probe calls succeeded")
    },
  )

  test("half-open admits one probe at a time: concurrent callers fail fast while it is in flight", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([], { maxAttempts: 1 })
        env.fx.inject({ fault: { kind: "status", status: 502 } })
        for (let i = 0; i < 5; i++) yield* drive(yield* Effect.forkChild(Effect.exit(ticker(r))))
        env.fx.clear()
        yield* advance(60_000, 1000)
        const before = env.fx.requests.length
        env.fx.inject({ fault: { kind: "slow", delayMs: 600_000 }, times: 1 })
        const probe = yield* Effect.forkChild(ticker(r))
        yield* Effect.promise(() => env.fx.waitForRequests(before + 1))
        const others = yield* Effect.forEach([1, 2, 3], () => Effect.flip(ticker(r)))
        for (const e of others) expect(e).toMatchObject({ _tag: "CircuitOpenError", state: "half-open" })
        expect(env.fx.requests.length).toBe(before + 1) // only the probe reached the exchange
        env.fx.clear() // the held probe is answered now
        const exit = yield* drive(probe)
        expect(Exit.isSuccess(exit)).toBe(true)
        expect((yield* r.breakers.snapshot)[0]).toMatchObject({ state: "half-open", rejected: 3 })
      }),
    )
  })

  test("slow response past the 30 s call timeout: Timeout, counted by the breaker", async () => {
    await run(
      Effect.gen(function* () {
        const r = yield* rig([], { maxAttempts: 1 })
        env.fx.inject({ fault: { kind: "slow", delayMs: 300_000 }, times: 1 })
        const fiber = yield* Effect.forkChild(Effect.flip(ticker(r)))
        const exit = yield* drive(fiber, { stepMs: 500 })
        expect(Exit.isSuccess(exit) && exit.value).toMatchObject({ _tag: "ExchangeError", reason: { _tag: "Timeout" } })
        expect(r.now()).toBeGreaterThanOrEqual(30_000)
        expect(r.now()).toBeLessThan(31_000)
        env.fx.clear() // release the held request; its late answer must be ignored quietly
        const snap = (yield* r.breakers.snapshot)[0]
        expect(snap).toMatchObject({ failures: 1, consecutiveFailures: 1, state: "closed" })
        expect(Exit.isSuccess(yield* drive(yield* Effect.forkChild(ticker(r))))).toBe(true)
      }),
    )
  })

  test("no unhandled rejection across the suite", () => {
    expect(env.unhandled).toBe(0)
  })
})
