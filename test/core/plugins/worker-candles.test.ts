/**
 * Candle windows in plugin workers: each worker reads its own copy of a window, copied again when
 * the host wrote the window, and checked after each batch. Candles a plugin kept from an earlier
 * call are detached once a batch no longer hands them out, so writing into them throws.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { PluginHost, type IndicatorOutcome } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const HOSTILE = resolve(import.meta.dir, "../../fixtures/plugins/hostile")

/** Keeps the close column of its first call and writes zeros into it on every later call. */
const KEEPER = `let kept
export default {
  apiVersion: 1, kind: "indicator", name: "keeper", component: "volume", lookback: 1,
  compute(ctx) {
    if (kept === undefined) kept = ctx.candles.close
    else kept.fill(0)
    return { score: 50 }
  },
}
`

const withWorkerPlugins = async <A>(
  files: Readonly<Record<string, string>>,
  program: Effect.Effect<A, never, PluginHost>,
) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-worker-candles-"))
  copyFileSync(join(HOSTILE, "steady.ts"), join(dir, "steady.ts"))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  try {
    return await runHost({ folders: [dir], ownedFolders: [], workers: 1, budgetMs: 1000 }, program)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const steady = (outs: ReadonlyArray<IndicatorOutcome>) => outs.find((o) => o.name === "steady")!

describe("candle windows in plugin workers", () => {
  test("a changed older candle reaches the worker", async () => {
    const ctx = context("BTC/USDT")
    const [before, after] = await withWorkerPlugins(
      {},
      Effect.gen(function* () {
        const host = yield* PluginHost
        const before = yield* host.evaluate(ctx)
        ctx.candles.close[10] = 200
        return [before, yield* host.evaluate(ctx)] as const
      }),
    )
    expect(steady(before)).toMatchObject({ status: "ok", values: { sum: 5000, lastClose: 100 } })
    expect(steady(after)).toMatchObject({ status: "ok", values: { sum: 5100, lastClose: 100 } })
  }, 30_000)

  test("a window that moved on is refilled in place; one series twice in a batch keeps both windows", async () => {
    const ctx = context("BTC/USDT")
    const other = context("BTC/USDT")
    other.candles.close.fill(101)
    const [first, moved, both] = await withWorkerPlugins(
      {},
      Effect.gen(function* () {
        const host = yield* PluginHost
        const first = yield* host.evaluate(ctx)
        // Slid forward by one candle: same length, so the worker refills its copy.
        for (const col of Object.values(ctx.candles)) col.copyWithin(0, 1)
        ctx.candles.time[49] = 50 * 60_000
        ctx.candles.close[49] = 150
        const moved = yield* host.evaluate(ctx)
        const both = yield* Effect.all([host.evaluate(ctx), host.evaluate(other)], { concurrency: "unbounded" })
        return [first, moved, both] as const
      }),
    )
    expect(steady(first)).toMatchObject({ status: "ok", values: { sum: 5000, lastClose: 100 } })
    expect(steady(moved)).toMatchObject({ status: "ok", values: { sum: 5050, lastClose: 150 } })
    expect(steady(both[0])).toMatchObject({ status: "ok", values: { sum: 5050, lastClose: 150 } })
    expect(steady(both[1])).toMatchObject({ status: "ok", values: { sum: 5050, lastClose: 101 } })
  }, 30_000)

  test("a window sliding for many cycles, with corrected candles and a writer, reads its candles", async () => {
    // As Analysis feeds it: one resident memory, each cycle a view one candle further, a new stamp.
    const DEPTH = 50
    const CYCLES = 200
    const memory = new Float64Array(DEPTH + CYCLES).map((_, i) => i + 1)
    const times = memory.map((_, i) => i * 60_000)
    const at = (n: number, version: number | undefined) =>
      context("BTC/USDT", {
        candles: {
          time: times.subarray(n, n + DEPTH),
          open: memory.subarray(n, n + DEPTH),
          high: memory.subarray(n, n + DEPTH),
          low: memory.subarray(n, n + DEPTH),
          close: memory.subarray(n, n + DEPTH),
          volume: memory.subarray(n, n + DEPTH),
        },
        ...(version === undefined ? {} : { candlesVersion: version }),
      })
    const sum = (n: number) => memory.subarray(n, n + DEPTH).reduce((a, b) => a + b, 0)
    const seen = await withWorkerPlugins(
      { "keeper.ts": KEEPER },
      Effect.gen(function* () {
        const host = yield* PluginHost
        // What each cycle's window holds as it is evaluated (a later correction changes memory).
        const out: Array<readonly [{ sum: number; lastClose: number }, ReadonlyArray<IndicatorOutcome>]> = []
        let version = 0
        for (let n = 0; n < CYCLES; n++) {
          // Every 7th cycle the newest candle the worker holds is corrected as the window slides on
          // (unstamped, as a caller that does not only append: the host compares and rewrites it).
          const corrected = n % 7 === 3
          if (corrected) memory[n + DEPTH - 2] += 0.5
          const expected = { sum: sum(n), lastClose: memory[n + DEPTH - 1] }
          out.push([expected, yield* host.evaluate(at(n, corrected ? undefined : ++version))])
        }
        return out
      }),
    )
    for (const [values, outs] of seen) expect(steady(outs)).toMatchObject({ status: "ok", values })
    // The keeper writes zeros into the candles it kept: caught, and no other plugin read them.
    expect(seen.slice(1).some(([, outs]) => outs.find((o) => o.name === "keeper")?.status === "failed")).toBe(true)
  }, 60_000)

  test("kept candles are detached: writing into them changes nothing later calls read", async () => {
    const a = context("AAA/USDT")
    const b = context("BBB/USDT")
    const rounds = await withWorkerPlugins(
      { "keeper.ts": KEEPER },
      Effect.gen(function* () {
        const host = yield* PluginHost
        // keeper keeps AAA's closes, then writes into them while BBB (alone) is evaluated.
        return [yield* host.evaluate(a), yield* host.evaluate(b), yield* host.evaluate(a)]
      }),
    )
    for (const outs of rounds) expect(steady(outs)).toMatchObject({ status: "ok", values: { sum: 5000 } })
    // The write into AAA's closes, while only BBB is handed out, meets a detached view.
    expect(rounds[1].find((o) => o.name === "keeper")).toMatchObject({ status: "failed" })
    expect(rounds[1].find((o) => o.name === "keeper")!.error).toMatch(/detached/)
    expect(a.candles.close.every((v) => v === 100)).toBe(true)
  }, 30_000)
})
