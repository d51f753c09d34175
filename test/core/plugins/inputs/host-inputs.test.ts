/** Declared inputs through the real PluginHost: loading, sharing, values, one WASM call per advance. */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { PluginHost, type BaseContext, type PluginInfo } from "../../../../core/plugins/index.ts"
import * as ta from "../../../../core/ta/index.ts"
import { loadFixture } from "../../../support/talib-fixture.ts"
import { runHost } from "../support.ts"

const INPUTS = "test/fixtures/plugins/inputs"
const byName = (rows: ReadonlyArray<PluginInfo>, name: string) => rows.find((r) => r.name === name)!

describe("PluginHost: declared inputs", () => {
  test("apiVersion 2 plugins with inputs load; inputs under v1 or of an unknown function fail naming it", async () => {
    const rows = await runHost(
      { folders: [INPUTS] },
      Effect.flatMap(PluginHost, (h) => h.list),
    )
    expect(byName(rows, "rsi-a").state).toBe("active")
    expect(byName(rows, "rsi-b").state).toBe("active")
    // GET /v1/plugins shows each declaration by its shared engine entry.
    expect(byName(rows, "rsi-a").inputs).toEqual({ rsi: "rsi(14)" })
    expect(byName(rows, "rsi-b").inputs).toEqual({ momentum: "rsi(14)", atr: "atr(14)" })
    expect(byName(rows, "on-v1").lastError).toBe(
      `${INPUTS}/on-v1.ts (plugin "on-v1"): field "inputs" needs apiVersion 2 (declared inputs are a version ` +
        `2 feature)`,
    )
    expect(byName(rows, "unknown-fn").lastError).toBe(
      `${INPUTS}/unknown-fn.ts (plugin "unknown-fn"): unknown indicator "magic"`,
    )
  })

  // Inline, and in a plugin worker (values and histories cross in the shared input block).
  for (const ownedFolders of [[INPUTS], []]) {
    const where = ownedFolders.length > 0 ? "inline" : "in a worker"
    test(`both plugins get the same RSI, equal to core/ta over the series' whole history (${where})`, async () => {
      const c = loadFixture("btcusdt").candles
      const rsi = ta.rsi(c.close, { period: 14 })
      const atr = ta.atr(c.high, c.low, c.close, { period: 14 })
      const ctx = (end: number): BaseContext => ({
        symbol: "BTC/USDT",
        timeframe: "1m",
        ta,
        market: {},
        candles: {
          time: c.time.subarray(Math.max(0, end - 150), end),
          open: c.open.subarray(Math.max(0, end - 150), end),
          high: c.high.subarray(Math.max(0, end - 150), end),
          low: c.low.subarray(Math.max(0, end - 150), end),
          close: c.close.subarray(Math.max(0, end - 150), end),
          volume: c.volume.subarray(Math.max(0, end - 150), end),
        },
      })
      const seen = await runHost(
        { folders: [INPUTS], ownedFolders },
        Effect.gen(function* () {
          const host = yield* PluginHost
          const out: Array<Record<"end" | "a" | "b" | "atr" | "atrBefore" | "atrLength" | "changed", number>> = []
          for (let end = 150; end <= c.close.length; end += 37) {
            const changed = yield* host.advanceInputs([ctx(end)])
            const [a, b] = yield* host.evaluate(ctx(end))
            const v = b!.values
            out.push({
              end,
              a: a!.values.rsi!,
              b: v.rsi!,
              atr: v.atr!,
              atrBefore: v.atrBefore!,
              atrLength: v.atrLength!,
              changed,
            })
          }
          return out
        }),
      )
      expect(seen.length).toBeGreaterThan(30)
      for (const s of seen) {
        expect(s.changed).toBe(1)
        expect(s.a).toBe(s.b)
        expect(Math.abs(s.a - rsi[s.end - 1]!)).toBeLessThan(1e-9)
        expect(Math.abs(s.atr - atr[s.end - 1]!)).toBeLessThan(1e-9)
        expect(Math.abs(s.atrBefore - atr[s.end - 3]!)).toBeLessThan(1e-9)
        expect(s.atrLength).toBe(3)
      }
    }, 30_000)
  }
})
