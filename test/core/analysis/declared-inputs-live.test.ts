/**
 * The whole engine on the simulated exchange: once backfilled, Analysis advances every changed
 * series' declared inputs with one WASM call per cycle, for all symbols and timeframes, and the
 * built-ins that declare inputs score from them. (A backfill takes a few calls more: see
 * `InputEngine.advance`.)
 */
import { afterAll, expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { MarketData } from "../../../core/market/index.ts"
import { PluginHost } from "../../../core/plugins/index.ts"
import { startApp, type RunningApp } from "../../support/app.ts"
import { eventually } from "../../support/eventually.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-inputs-"))
let app: RunningApp | undefined
afterAll(async () => {
  await app?.close()
  rmSync(dir, { recursive: true, force: true })
})

test("one WASM call per analysis cycle advances every series' declared inputs", async () => {
  const config = parseConfig({
    http: { enabled: false },
    symbols: { top: 0 }, // the static symbols only: no backfill of a joining symbol mid-test
    store: { path: join(dir, "virtuoso.db") },
    plugins: { watch: false },
    log: { level: "error" },
    exchange: { speed: 5, pollMs: 100 },
  })
  app = await startApp(config)
  const analysis = app.get(Analysis)
  const host = app.get(PluginHost)
  const market = app.get(MarketData)
  const run = <A>(effect: Effect.Effect<A>) => Effect.runPromise(effect)
  await run(analysis.awaitScores)

  const symbols = await run(market.symbols)
  const stats = await run(host.inputStats)
  expect(stats.series).toBe(symbols.length * market.timeframes.length)
  expect(stats.entries).toBe(12) // 13 declaring built-ins, equal declarations shared (ATR(14) by six)

  // The first live polls after the backfill can bring several closed candles per series at once
  // (a backlog steps one call per candle when histories are declared); measure after them.
  const settled = (await run(analysis.stats)).cycles + 10
  await eventually(
    "ten more analysis cycles",
    () => run(analysis.stats),
    (a) => a.cycles >= settled,
  )
  const before = await run(host.inputStats)
  const cyclesBefore = (await run(analysis.stats)).cycles
  const appended = (await run(market.stats)).candlesAppended
  // New closed candles arrive (speed 5) and several cycles pass.
  await eventually(
    "new closed candles and five analysis cycles",
    () => Promise.all([run(analysis.stats), run(market.stats)]),
    ([a, m]) => a.cycles >= cyclesBefore + 5 && m.candlesAppended > appended,
    { timeoutMs: 20_000 },
  )
  const after = await run(host.inputStats)
  const cycles = (await run(analysis.stats)).cycles - cyclesBefore
  const calls = after.computeCalls - before.computeCalls
  expect(calls).toBeGreaterThan(0)
  // At most one per cycle (a cycle without new candles makes none); +1 for a cycle in flight.
  expect(calls).toBeLessThanOrEqual(cycles + 1)

  const btc = await run(analysis.latestFor(symbols[0]!))
  const rsi = Object.values(btc!.results)
    .flatMap((r) => r!.outcomes)
    .find((o) => o.name === "technical-rsi")
  expect(rsi?.status).toBe("ok")
  expect(rsi!.values.rsi).toBeGreaterThan(0)
  expect(rsi!.values.rsi).toBeLessThan(100)
}, 60_000)
