/**
 * One batch with plugins of both kinds: slots in workers and slots inline, each symbol-scoped
 * and per timeframe (in folder order, file by file). The worker calls are admitted share by share
 * when the batch is flushed and the inline ones run after the shares are out; every context's
 * outcomes still come in plan order, a symbol-scoped outcome shared by the symbol's timeframes,
 * and equal to running them all inline.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost, type BaseContext, type IndicatorOutcome } from "../../../core/plugins/index.ts"
import { candles, context, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-worker-mixed-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const [third, owned] = [join(dir, "third"), join(dir, "owned")]
const plugin = (folder: string, name: string, body: string, extra = "lookback: 1") => {
  mkdirSync(folder, { recursive: true })
  writeFileSync(
    join(folder, `${name}.ts`),
    `export default { apiVersion: 1, kind: "indicator", name: "${name}", component: "volume", ${extra},\n` +
      `  compute(ctx) { ${body} } }\n`,
  )
}
const frame = "const c = ctx.candles.close; return { score: c[c.length - 1] % 100, values: { n: c.length } }"
const book = "const b = ctx.orderbook.bids[0][0]; return { score: b % 100, values: { bid: b } }"
for (const [folder, prefix] of [
  [third, "w"],
  [owned, "i"],
] as const) {
  plugin(folder, `${prefix}-frame`, frame)
  plugin(folder, `${prefix}-book`, book, 'lookback: 0, needs: ["orderbook"]')
}

/** Two timeframes per symbol (other candles each), one book and market per symbol shared by both. */
const symbols = (): Array<Array<BaseContext>> =>
  ["AAA/USDT", "BBB/USDT", "CCC/USDT"].map((symbol, s) => {
    const orderbook = {
      symbol,
      time: 0,
      bids: [[110 + s, 1] as [number, number]],
      asks: [[120 + s, 1] as [number, number]],
    }
    const market = {}
    return (["1m", "5m"] as const).map((timeframe, t) => {
      const c = candles(30 + 10 * t)
      c.close[c.close.length - 1] = 150 + 10 * s + t
      return context(symbol, { timeframe, candles: c, orderbook, market })
    })
  })

const evaluate = (ownedFolders: Array<string>) =>
  runHost(
    // Third-party folder first, so worker slots come before inline ones in the plan.
    { folders: [third, owned], ownedFolders, isolation: "inline", workers: 2 },
    Effect.flatMap(PluginHost, (h) => h.evaluateBatch(symbols())),
  )
const plain = (outs: ReadonlyArray<ReadonlyArray<ReadonlyArray<IndicatorOutcome>>>) =>
  outs.map((s) => s.map((ctx) => ctx.map(({ micros: _, ...o }) => o)))

describe("plugin workers: one batch of worker and inline slots", () => {
  test("outcomes come in plan order, symbol-scoped ones shared, equal to running them all inline", async () => {
    const mixed = await evaluate([owned])
    const inline = await evaluate([owned, third])
    expect(plain(mixed)).toEqual(plain(inline))
    mixed.forEach((ctxs, s) =>
      ctxs.forEach((outcomes, t) => {
        expect(outcomes.map((o) => `${o.name} ${o.status} ${o.score}`)).toEqual([
          `w-book ok ${10 + s}`,
          `w-frame ok ${50 + 10 * s + t}`,
          `i-book ok ${10 + s}`,
          `i-frame ok ${50 + 10 * s + t}`,
        ])
        // A symbol-scoped outcome is one object for both timeframes.
        expect(outcomes[0]).toBe(ctxs[0][0])
        expect(outcomes[2]).toBe(ctxs[0][2])
      }),
    )
  }, 30_000)
})
