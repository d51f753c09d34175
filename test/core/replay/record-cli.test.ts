/**
 * `bun run record` against the local Binance-protocol server writes its file as the session goes:
 * killed outright (SIGKILL) it leaves a file that replays what was written, and stopped (SIGINT)
 * it writes its open blocks and closes the file whole, books and trades included.
 */
import { afterAll, expect, test } from "bun:test"
import { Effect } from "effect"
import { existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { readRecording, replayRecordingFile } from "../../../core/replay/index.ts"
import { eventually } from "../../support/eventually.ts"
import { EXTRA_SPOT, loadMarketsFixture, startExchangeServer } from "../../support/exchange-server/index.ts"
import { ROOT, withTempDir } from "./support.ts"

const server = startExchangeServer({
  binanceMarkets: await loadMarketsFixture("binance"),
  extraSpot: EXTRA_SPOT,
  now: Date.now(),
})
afterAll(() => server.stop())

/** A recorder of BTC/USDT and ETH/USDT for ten minutes into `dir`/session.vrec, once its backfill is written. */
const startRecorder = async (dir: string) => {
  const config = join(dir, "config.json")
  writeFileSync(
    config,
    JSON.stringify({
      timeframes: { "1m": { weight: 0.7, candles: 60 }, "5m": { weight: 0.3, candles: 30 } },
      exchange: { websocket: false, pollMs: 250 },
      log: { level: "warn" },
    }),
  )
  const out = join(dir, "session.vrec")
  const child = Bun.spawn(
    [process.execPath, "core/replay/record-cli.ts", "--exchange", "binance", "--symbols", "BTC/USDT,ETH/USDT"].concat([
      "--for",
      "10m",
      "--out",
      out,
      "--config",
      config,
    ]),
    {
      cwd: ROOT,
      stdout: "ignore",
      stderr: "pipe",
      env: { ...process.env, VIRTUOSO_EXCHANGE_URLS: JSON.stringify(server.binanceUrls()) },
    },
  )
  // Every backfilled series is in the file (written before the first book can be).
  await eventually(
    "the backfill in the file",
    () => (existsSync(out) ? readRecording(out).events.filter((e) => e.type === "market.candles").length : 0),
    (n) => n === 4,
    { timeoutMs: 45_000, intervalMs: 100 },
  )
  return { child, out }
}

const config = parseConfig({ log: { level: "warn" } })

test(
  "a recorder killed mid-session leaves a file that replays what it wrote",
  () =>
    withTempDir(async (dir) => {
      const { child, out } = await startRecorder(dir)
      child.kill("SIGKILL")
      await child.exited
      const file = readRecording(out)
      expect(file.header.exchange).toBe("binance")
      expect(file.events[0]!.type).toBe("market.symbols")
      const report = await Effect.runPromise(replayRecordingFile(config, out, [1]))
      expect(report.events).toBe(file.events.length)
      expect(report.skippedBytes).toBe(file.skippedBytes)
      expect(report.symbols.map((s) => s.symbol)).toEqual(["BTC/USDT", "ETH/USDT"])
    }),
  90_000,
)

test(
  "a recorder stopped with Ctrl-C writes its open blocks and closes the file whole",
  () =>
    withTempDir(async (dir) => {
      const { child, out } = await startRecorder(dir)
      const before = readRecording(out).events
      // Books served (and so published) after the backfill: held in open blocks until the file closes.
      const served = server.count("/depth")
      await eventually(
        "books served",
        () => server.count("/depth"),
        (n) => n >= served + 6,
        { timeoutMs: 30_000 },
      )
      child.kill("SIGINT")
      expect(await child.exited).toBe(0)
      const stderr = await new Response(child.stderr).text()
      const file = readRecording(out)
      expect(file.skippedBytes).toBe(0)
      expect(stderr).toContain(`record: wrote ${file.events.length} events`)
      expect(file.events.slice(0, before.length)).toEqual(before as never)
      const books = (events: ReadonlyArray<{ readonly type: string }>) =>
        events.filter((e) => e.type === "market.orderbook").length
      expect(books(file.events)).toBeGreaterThan(books(before))
      const report = await Effect.runPromise(replayRecordingFile(config, out, [1]))
      expect(report.events).toBe(file.events.length)
    }),
  90_000,
)
