/**
 * Makes `test/fixtures/recordings/binance-local.vrec`: `bun run record` against the local
 * Binance-protocol server of `test/support/exchange-server` (generated market, no network).
 *
 *   bun test/support/make-recording-fixture.ts [seconds]
 *
 * Small on purpose (two symbols, shallow history): the tests read it on every run.
 */
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { EXTRA_SPOT, loadMarketsFixture, startExchangeServer } from "./exchange-server/index.ts"

const ROOT = resolve(import.meta.dir, "../..")
const seconds = Number(process.argv[2] ?? 20)
const server = startExchangeServer({
  binanceMarkets: await loadMarketsFixture("binance"),
  extraSpot: EXTRA_SPOT,
  now: Date.now(),
})
const config = join(tmpdir(), `virtuoso-fixture-${process.pid}.json`)
writeFileSync(
  config,
  JSON.stringify({
    timeframes: { "1m": { weight: 0.7, candles: 120 }, "5m": { weight: 0.3, candles: 60 } },
    exchange: { websocket: false, pollMs: 1000 },
    log: { level: "warn" },
  }),
)
try {
  const child = Bun.spawn(
    [
      process.execPath,
      "core/replay/record-cli.ts",
      "--exchange",
      "binance",
      "--symbols",
      "BTC/USDT,ETH/USDT",
      "--for",
      `${seconds}s`,
      "--out",
      "test/fixtures/recordings/binance-local.vrec",
      "--config",
      config,
    ],
    {
      cwd: ROOT,
      stdout: "inherit",
      stderr: "inherit",
      env: { ...process.env, VIRTUOSO_EXCHANGE_URLS: JSON.stringify(server.binanceUrls()) },
    },
  )
  process.exitCode = await child.exited
} finally {
  server.stop()
}
