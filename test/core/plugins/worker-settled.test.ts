/**
 * `evaluateBatch`'s `onSymbol`: each symbol's outcomes are handed over once all of them are in —
 * with workers as soon as the share holding the symbol is back, while another worker still
 * computes — complete (worker and inline slots alike), once per symbol, the same lists the batch
 * returns. A caller's `onSymbol` that throws fails that batch only: the next one runs.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Exit } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost, type BaseContext, type IndicatorOutcome } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-worker-settled-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const [third, owned] = [join(dir, "third"), join(dir, "owned")]
const plugin = (folder: string, name: string, body: string) => {
  mkdirSync(folder, { recursive: true })
  writeFileSync(
    join(folder, `${name}.ts`),
    `export default { apiVersion: 1, kind: "indicator", name: "${name}", component: "volume", lookback: 1,\n` +
      `  compute(ctx) { ${body} } }\n`,
  )
}
const SLOW_MS = 600
// BBB's calls spin: its worker is still computing long after AAA's share is back.
plugin(
  third,
  "slow-bbb",
  `if (ctx.symbol === "BBB/USDT") { const end = performance.now() + ${SLOW_MS}; ` +
    "while (performance.now() < end) {} }\n    return { score: ctx.candles.close.length % 100 }",
)
plugin(owned, "inline-len", "return { score: ctx.candles.close.length % 90 }")

/** AAA with two timeframes, BBB with one: with two workers, AAA goes to the first and BBB to the second. */
const symbols = (): Array<Array<BaseContext>> => [
  [context("AAA/USDT"), context("AAA/USDT", { timeframe: "5m" })],
  [context("BBB/USDT")],
]

interface Told {
  readonly index: number
  readonly at: number
  readonly outcomes: ReadonlyArray<ReadonlyArray<IndicatorOutcome>>
  readonly complete: boolean
}

const evaluate = (ownedFolders: Array<string>) => {
  const told: Array<Told> = []
  return runHost(
    { folders: [third, owned], ownedFolders, isolation: "inline", workers: 2, budgetMs: 4 * SLOW_MS },
    Effect.gen(function* () {
      const host = yield* PluginHost
      const outs = yield* host.evaluateBatch(symbols(), undefined, (index, outcomes) =>
        told.push({
          index,
          at: performance.now(),
          outcomes,
          complete: outcomes.every((o) => o.length === 2 && o.every((x) => x !== undefined)),
        }),
      )
      return { outs, told, ended: performance.now() }
    }),
  )
}

describe("plugin workers: each symbol's outcomes as soon as they are in", () => {
  test("with workers: AAA is handed over while BBB's worker still computes, complete and once", async () => {
    const { outs, told, ended } = await evaluate([owned])
    expect(told.map((t) => t.index)).toEqual([0, 1])
    for (const t of told) {
      expect(t.complete).toBe(true)
      expect(t.outcomes).toBe(outs[t.index])
    }
    expect(outs[1][0].map((o) => `${o.name} ${o.status}`)).toEqual(["slow-bbb ok", "inline-len ok"])
    // AAA's share came back long before BBB's calls ended (half the spin as margin for a loaded machine).
    expect(ended - told[0].at).toBeGreaterThan(SLOW_MS / 2)
  }, 30_000)

  test("inline: each symbol handed over once, in order, the lists the batch returns", async () => {
    const { outs, told } = await evaluate([owned, third])
    expect(told.map((t) => t.index)).toEqual([0, 1])
    for (const t of told) {
      expect(t.complete).toBe(true)
      expect(t.outcomes).toBe(outs[t.index])
    }
  }, 30_000)

  test("an onSymbol that throws fails its batch; the next batch runs on the same workers", async () => {
    const { failed, next } = await runHost(
      { folders: [third], ownedFolders: [], isolation: "inline", workers: 2, budgetMs: 4 * SLOW_MS },
      Effect.gen(function* () {
        const host = yield* PluginHost
        const failed = yield* Effect.exit(
          host.evaluateBatch(symbols(), undefined, (index) => {
            if (index === 0) throw new Error("caller broke")
          }),
        )
        const next = yield* host.evaluateBatch(symbols())
        return { failed, next }
      }),
    )
    expect(Exit.isFailure(failed)).toBe(true)
    expect(String(Exit.isFailure(failed) ? failed.cause : "")).toContain("caller broke")
    expect(next.map((s) => s.map((o) => o.map((x) => x.status)))).toEqual([[["ok"], ["ok"]], [["ok"]]])
  }, 30_000)
})
