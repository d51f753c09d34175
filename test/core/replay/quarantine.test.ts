import { expect, test } from "bun:test"
import { Effect } from "effect"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { replayFile } from "../../../core/replay/index.ts"
import { BTC } from "./support.ts"

// A plugin that fails on some candles: its quarantine and recovery follow data time, so they
// happen on the same candles every run (under the wall clock a 60 s quarantine would outlast
// the whole sub-second replay and the plugin would never come back).
test("a failing plugin is quarantined and recovers on data time, the same way every run", async () => {
  const config = parseConfig({
    plugins: { folders: [join(import.meta.dir, "fixtures/flaky")], maxFailures: 3, quarantineMs: 10 * 60_000 },
  })
  const once = () => Effect.runPromise(replayFile(config, BTC, { symbol: "BTC/USDT", horizons: [5] }))
  const a = await once()
  const flaky = a.report.plugins.find((p) => p.name === "replay-flaky")!
  // 1440 minutes hold 7.2 cycles of 200; each: 3 failures open the breaker, 10 candles rest,
  // then a probe on a good candle closes it again.
  expect(flaky.failed).toBeGreaterThanOrEqual(3 * 7)
  expect(flaky.quarantined).toBeGreaterThan(0)
  expect(flaky.ok).toBeGreaterThan(1200)
  // Counted on every candle that produced a score (all but the first few, still warming up).
  expect(flaky.failed + flaky.quarantined + flaky.ok + flaky.unavailable).toBe(a.report.scored)
  expect(flaky.reason).toMatch(/^compute threw Error: flaky at minute/)
  expect(a.text).toContain("failing replay-flaky")
  const b = await once()
  expect(b.json).toBe(a.json)
})
