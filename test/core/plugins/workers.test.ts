/**
 * Worker isolation at the PluginHost level: the hostile fixtures run in real plugin workers next
 * to a well-behaved plugin; each misbehaviour is contained, counted and reported with its reason,
 * and the well-behaved plugin keeps scoring from intact inputs.
 */
import { describe, expect, test } from "bun:test"
import { Effect, Schedule } from "effect"
import { PluginHost, type IndicatorOutcome, type PluginInfo } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const HOSTILE = "test/fixtures/plugins/hostile"
const byName = <T extends { name: string }>(rows: ReadonlyArray<T>, name: string) => rows.find((o) => o.name === name)!

// Not owned: every fixture runs in a worker. One worker, so the writer and the reader share it.
const options = { folders: [HOSTILE], ownedFolders: [], workers: 1, budgetMs: 100, loadTimeoutMs: 1000, maxFailures: 3 }

describe("PluginHost worker isolation", () => {
  test("every hostile plugin is contained and listed with its reason; steady keeps scoring intact inputs", async () => {
    const trades = Array.from({ length: 40 }, (_, i) => ({
      id: String(i),
      time: i * 1000,
      price: 100 + i,
      amount: 1,
      side: i % 2 === 0 ? ("buy" as const) : ("sell" as const),
    }))
    const orderbook = {
      symbol: "BTC/USDT",
      time: 0,
      bids: [[99, 1] as [number, number]],
      asks: [[101, 1] as [number, number]],
    }
    const ctx = context("BTC/USDT", { trades, orderbook })
    const close = ctx.candles.close.slice()
    const { rounds, rows } = await runHost(
      options,
      Effect.gen(function* () {
        const host = yield* PluginHost
        const rounds: Array<ReadonlyArray<IndicatorOutcome>> = []
        for (let i = 0; i < 3; i++) rounds.push(yield* host.evaluate(ctx))
        // async-throw's error comes from a timer after its call returned: the host learns of it
        // whenever the worker gets to run that timer, which a loaded machine can put after the
        // last round. Wait for it (bounded) rather than assume it already arrived.
        const reported = (rows: ReadonlyArray<PluginInfo>) => byName(rows, "async-throw").errors > 0
        const rows = yield* host.list.pipe(
          Effect.repeat({ until: reported, schedule: Schedule.spaced("20 millis"), times: 1500 }),
        )
        return { rounds, rows }
      }),
    )
    for (const outcomes of rounds) {
      expect(byName(outcomes, "steady")).toMatchObject({
        status: "ok",
        score: 60,
        values: { lastClose: 100, sum: 5000, trades: 40, bestBid: 99 },
      })
    }
    // The host's own columns, tape and book are untouched.
    expect(ctx.candles.close).toEqual(close)
    expect(trades.length).toBe(40)
    expect(orderbook.bids[0][0]).toBe(99)
    const info = (name: string): PluginInfo => byName(rows, name)
    expect(info("steady")).toMatchObject({ state: "active", errors: 0, isolation: "worker" })
    expect(info("spin")).toMatchObject({ state: "quarantined" })
    expect(info("spin").lastError).toMatch(/^cut off after \d+\+ ms, over the 100 ms budget \(worker replaced\)$/)
    expect(info("allocates")).toMatchObject({ state: "quarantined" })
    expect(info("allocates").lastError).toMatch(/^cut off after|^grew the process's memory by \d+ MB|allocated \d+ MB/)
    expect(info("hoards")).toMatchObject({ state: "quarantined" })
    expect(info("hoards").lastError).toMatch(/^cut off after|^grew the process's memory by \d+ MB/)
    expect(info("exits")).toMatchObject({ state: "quarantined" })
    expect(info("exits").lastError).toMatch(/plugin worker exited \(code 7/)
    expect(info("never-resolves")).toMatchObject({
      state: "quarantined",
      lastError: "compute returned a Promise; compute must be synchronous",
    })
    expect(info("pollutes-global")).toMatchObject({ state: "quarantined" })
    expect(info("pollutes-global").lastError).toContain("changed the global Math; plugins must not touch globals")
    expect(info("pollutes-prototype")).toMatchObject({ state: "quarantined" })
    expect(info("pollutes-prototype").lastError).toMatch(/^compute threw TypeError: /)
    expect(info("writes-candles")).toMatchObject({
      state: "quarantined",
      lastError: "wrote into ctx.candles; a plugin's inputs are read-only",
    })
    expect(info("clears-tape")).toMatchObject({
      state: "quarantined",
      lastError: "changed its book, tape or market data; a plugin's inputs are read-only",
    })
    expect(info("writes-tape")).toMatchObject({
      state: "quarantined",
      lastError: "changed its book, tape or market data; a plugin's inputs are read-only",
    })
    expect(info("async-throw").errors).toBeGreaterThan(0)
    expect(info("async-throw").lastError).toMatch(/^threw outside compute: .*thrown later, from a timer/)
    expect(info("import-error")).toMatchObject({ state: "failed" })
    expect(info("import-error").lastError).toContain("import failed")
    expect(info("top-level-hang")).toMatchObject({ state: "failed" })
    expect(info("top-level-hang").lastError).toContain("import did not finish within 1000 ms")
  }, 60_000)
})
