/**
 * A share run again on a replacement worker gets every input its calls read. With two workers,
 * the first worker's share is posted before the second's is built; when the first worker is cut
 * off, the rest of its share runs on a fresh worker that holds nothing yet, so the books, tapes
 * and market data of its symbols must still be sent to it then.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost, type BaseContext } from "../../../core/plugins/index.ts"
import { context, ROOT, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-worker-rerun-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
copyFileSync(join(ROOT, "test/fixtures/plugins/hostile/steady.ts"), join(dir, "steady.ts"))
// Runs before steady (folder order) and never returns on AAA: its worker is cut off there.
writeFileSync(
  join(dir, "spins-on-aaa.ts"),
  'export default { apiVersion: 1, kind: "indicator", name: "spins-on-aaa", component: "volume", lookback: 1,\n' +
    '  compute(ctx) { while (ctx.symbol === "AAA/USDT") {} return { score: 50 } } }\n',
)

const withData = (symbol: string, bid: number): BaseContext =>
  context(symbol, {
    orderbook: { symbol, time: 0, bids: [[bid, 1]], asks: [[bid + 2, 1]] },
    trades: Array.from({ length: 40 }, (_, i) => ({
      id: String(i),
      time: i * 1000,
      price: bid + i,
      amount: 1,
      side: i % 2 === 0 ? ("buy" as const) : ("sell" as const),
    })),
  })

describe("plugin workers: a share run again after its worker was cut off", () => {
  test("the replacement worker is sent the books and tapes of the share's symbols", async () => {
    // AAA goes to the first worker, BBB to the second (symbols alternate as first seen).
    const outcomes = await runHost(
      { folders: [dir], ownedFolders: [], workers: 2, budgetMs: 100 },
      Effect.flatMap(PluginHost, (h) => h.evaluateBatch([[withData("AAA/USDT", 99)], [withData("BBB/USDT", 199)]])),
    )
    const [aaa, bbb] = outcomes.map((symbol) => symbol[0])
    const byName = (os: typeof aaa, name: string) => os.find((o) => o.name === name)!
    expect(byName(aaa, "spins-on-aaa")).toMatchObject({ status: "failed" })
    expect(byName(aaa, "spins-on-aaa").error).toMatch(/^cut off after/)
    expect(byName(aaa, "steady")).toMatchObject({ status: "ok", values: { bestBid: 99, trades: 40 } })
    expect(byName(bbb, "spins-on-aaa")).toMatchObject({ status: "ok", score: 50 })
    expect(byName(bbb, "steady")).toMatchObject({ status: "ok", values: { bestBid: 199, trades: 40 } })
  })
})
