import { describe, expect, test } from "bun:test"
import { Effect, Stream } from "effect"
import { TestClock } from "effect/testing"
import { PluginHost, type IndicatorOutcome, type PluginEvent } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const RUNTIME = "test/fixtures/plugins/runtime"
const byName = (outcomes: ReadonlyArray<IndicatorOutcome>, name: string) => outcomes.find((o) => o.name === name)!

/** Runs with a TestClock, so quarantine windows pass only when the test says so. */
const runTimed = <A, E>(options: Parameters<typeof runHost>[0], program: Effect.Effect<A, E, PluginHost>) =>
  runHost(options, program.pipe(Effect.provide(TestClock.layer())))

describe("PluginHost isolation", () => {
  test("each misbehaviour is contained and reported; the other plugins keep scoring", async () => {
    // budgetMs undefined: the host's default (5 ms) applies. The outcomes are those of a second
    // round: a plugin's first (cold) call can take longer than 5 ms on its own, and two failures in
    // a row do not quarantine anything yet.
    const outcomes = await runHost(
      { folders: [RUNTIME], budgetMs: undefined },
      Effect.flatMap(PluginHost, (h) => Effect.andThen(h.evaluate(context()), h.evaluate(context()))),
    )
    expect(byName(outcomes, "steady")).toMatchObject({ status: "ok", score: 70, weight: 2, values: { level: 1 } })
    expect(byName(outcomes, "throws")).toMatchObject({ status: "ok", score: 30 })
    expect(byName(outcomes, "nan")).toMatchObject({ status: "failed", score: null, error: "score is NaN" })
    expect(byName(outcomes, "out-of-range")).toMatchObject({ status: "failed", error: "score 150 is outside [0, 100]" })
    expect(byName(outcomes, "too-slow").status).toBe("failed")
    expect(byName(outcomes, "too-slow").error).toMatch(/^compute took \d+\.\d\d ms, over the 5 ms budget$/)
    expect(byName(outcomes, "too-slow").micros).toBeGreaterThan(5000)
    expect(byName(outcomes, "returns-nothing")).toMatchObject({
      status: "failed",
      error: "compute returned undefined, expected { score, values? }",
    })
    expect(byName(outcomes, "needs-book")).toMatchObject({
      status: "unavailable",
      reason: "no orderbook data",
      micros: 0,
    })
    expect(byName(outcomes, "long-lookback")).toMatchObject({
      status: "unavailable",
      reason: "needs 500 candles, has 50",
    })
    expect(byName(outcomes, "no-data")).toMatchObject({ status: "unavailable", score: null, reason: "no funding rate" })
  })

  test("declared data arrives: needs-book scores once an order book is in the context", async () => {
    const book = {
      symbol: "BTC/USDT",
      time: 0,
      bids: [
        [99, 1],
        [98, 2],
      ] as const,
      asks: [[101, 1]] as const,
    }
    const outcomes = await runHost(
      { folders: [RUNTIME] },
      Effect.flatMap(PluginHost, (h) => h.evaluate(context("BTC/USDT", { orderbook: book }), new Set(["orderbook"]))),
    )
    expect(outcomes.map((o) => [o.name, o.status, o.score])).toEqual([["needs-book", "ok", 52]])
  })

  test("the budget is configurable", async () => {
    const strict = await runHost(
      { folders: [RUNTIME], budgetMs: 10 },
      Effect.flatMap(PluginHost, (h) => h.evaluate(context(), new Set(["orderflow"]))),
    )
    expect(byName(strict, "too-slow").error).toMatch(/over the 10 ms budget$/)
    const outcomes = await runHost(
      { folders: [RUNTIME], budgetMs: 200 },
      Effect.flatMap(PluginHost, (h) => h.evaluate(context(), new Set(["orderflow"]))),
    )
    expect(byName(outcomes, "too-slow")).toMatchObject({ status: "ok", score: 55 })
  })

  test("3 consecutive failures quarantine a plugin; after 60 s one trial call; success → active again", async () => {
    const result = await runTimed(
      { folders: [RUNTIME] },
      Effect.gen(function* () {
        const host = yield* PluginHost
        const technical = new Set(["technical"] as const)
        const first = yield* host.evaluate(context("BAD"), technical)
        yield* host.evaluate(context("BAD"), technical)
        const third = yield* host.evaluate(context("BAD"), technical)
        const fourth = yield* host.evaluate(context("BAD"), technical)
        const whileOpen = (yield* host.list).find((p) => p.name === "throws")!
        const activeWhileOpen = (yield* host.indicators).map((i) => i.plugin.name)
        const health = yield* host.health
        yield* TestClock.adjust(59_999)
        const stillOpen = yield* host.evaluate(context("OK"), technical)
        yield* TestClock.adjust(1)
        const trial = yield* host.evaluate(context("OK"), technical)
        const after = (yield* host.list).find((p) => p.name === "throws")!
        const events = yield* host.changes.pipe(
          Stream.filter((e) => e.name === "throws"),
          Stream.take(3),
          Stream.runCollect,
        )
        return { first, third, fourth, whileOpen, activeWhileOpen, health, stillOpen, trial, after, events }
      }),
    )
    expect(byName(result.first, "throws")).toMatchObject({ status: "failed", error: "compute threw Error: boom" })
    expect(byName(result.third, "throws").status).toBe("failed")
    expect(byName(result.fourth, "throws")).toMatchObject({
      status: "quarantined",
      score: null,
      micros: 0,
      error: "compute threw Error: boom",
    })
    expect(byName(result.fourth, "steady")).toMatchObject({ status: "ok", score: 70 })
    expect(result.whileOpen).toMatchObject({
      state: "quarantined",
      calls: 3,
      errors: 3,
      lastError: "compute threw Error: boom",
      lastErrorAt: 0,
      retryAt: 60_000,
    })
    expect(result.activeWhileOpen).toContain("steady")
    expect(result.activeWhileOpen).not.toContain("throws")
    expect(result.health.status).toBe("degraded")
    expect(result.health.reasons).toContain(
      'plugin "throws" quarantined until 1970-01-01T00:01:00.000Z: compute threw Error: boom',
    )
    expect(byName(result.stillOpen, "throws").status).toBe("quarantined")
    expect(byName(result.trial, "throws")).toMatchObject({ status: "ok", score: 30 })
    expect(result.after).toMatchObject({ state: "active", calls: 4, errors: 3, retryAt: null })
    expect(result.events.map((e: PluginEvent) => e.type)).toEqual(["loaded", "quarantined", "recovered"])
    expect(result.events[1].error).toBe(
      "compute threw Error: boom (quarantined after 3 consecutive failures; retry at 1970-01-01T00:01:00.000Z)",
    )
    expect(result.events[2].time).toBe(60_000)
  })

  test("a failed trial call re-opens the circuit at once; maxFailures and quarantineMs are configurable", async () => {
    const result = await runTimed(
      { folders: [RUNTIME], maxFailures: 1, quarantineMs: 1000 },
      Effect.gen(function* () {
        const host = yield* PluginHost
        const technical = new Set(["technical"] as const)
        const first = yield* host.evaluate(context("BAD"), technical)
        const second = yield* host.evaluate(context("OK"), technical)
        yield* TestClock.adjust(1000)
        const trial = yield* host.evaluate(context("BAD"), technical)
        const next = yield* host.evaluate(context("OK"), technical)
        const row = (yield* host.list).find((p) => p.name === "throws")!
        return { first, second, trial, next, row }
      }),
    )
    expect(byName(result.first, "throws").status).toBe("failed")
    expect(byName(result.second, "throws").status).toBe("quarantined")
    expect(byName(result.trial, "throws").status).toBe("failed")
    expect(byName(result.next, "throws").status).toBe("quarantined")
    expect(result.row).toMatchObject({ state: "quarantined", calls: 2, errors: 2, retryAt: 2000 })
  })

  test("a success between failures resets the count (consecutive failures only)", async () => {
    const outcomes = await runTimed(
      { folders: [RUNTIME] },
      Effect.gen(function* () {
        const host = yield* PluginHost
        const technical = new Set(["technical"] as const)
        for (const symbol of ["BAD", "BAD", "OK", "BAD", "BAD"]) yield* host.evaluate(context(symbol), technical)
        return yield* host.evaluate(context("OK"), technical)
      }),
    )
    expect(byName(outcomes, "throws")).toMatchObject({ status: "ok", score: 30 })
  })

  test("list reports call counts and compute times", async () => {
    const rows = await runHost(
      { folders: [RUNTIME], budgetMs: 10 },
      Effect.gen(function* () {
        const host = yield* PluginHost
        for (let i = 0; i < 5; i++) yield* host.evaluate(context(), new Set(["technical", "orderflow"]))
        return yield* host.list
      }),
    )
    const slow = rows.find((r) => r.name === "too-slow")!
    expect(slow).toMatchObject({ kind: "indicator", component: "orderflow", calls: 3, errors: 3, state: "quarantined" })
    expect(slow.meanMicros).toBeGreaterThan(15_000)
    expect(slow.p99Micros).toBeGreaterThan(15_000)
    const steady = rows.find((r) => r.name === "steady")!
    expect(steady).toMatchObject({ calls: 5, errors: 0, lastError: null, state: "active" })
    expect(steady.meanMicros).toBeLessThan(slow.meanMicros)
    expect(steady.p99Micros).toBeGreaterThan(0)
  })
})
