import { afterAll, expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost } from "../../../core/plugins/index.ts"
import * as ta from "../../../core/ta/index.ts"
import { ROOT, context, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-readme-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test("the README's example plugin loads through the host and scores real candles", async () => {
  const readme = readFileSync(join(ROOT, "core/plugins/README.md"), "utf8")
  const code = /```ts\n(\/\/ plugins\/indicators\/rsi-reversion\.ts[\s\S]*?)```/.exec(readme)?.[1]
  expect(code).toBeDefined()
  // A plugin outside the repo reaches the SDK through the package export; here, by path.
  writeFileSync(
    join(dir, "rsi-reversion.ts"),
    code!.replace('"virtuoso/sdk"', JSON.stringify(join(ROOT, "core/plugins/sdk.ts"))),
  )

  const n = 60
  const falling = Float64Array.from({ length: n }, (_, i) => 100 - i * 0.5 + (i % 2) * 0.2)
  const candles = { ...context().candles, close: falling }
  const { rows, outcomes, warmup } = await runHost(
    { folders: [dir], pluginConfig: { "rsi-reversion": { params: { period: 10 } } } },
    Effect.gen(function* () {
      const host = yield* PluginHost
      return {
        rows: yield* host.list,
        outcomes: yield* host.evaluate({ ...context(), candles, ta }),
        warmup: yield* host.evaluate({ ...context(), candles: { ...candles, close: falling.subarray(0, 5) }, ta }),
      }
    }),
  )
  expect(rows).toMatchObject([
    { name: "rsi-reversion", state: "active", component: "technical", params: { period: 10, oversold: 30 } },
  ])
  const rsi = ta.rsi(falling, { period: 10 })[n - 1]
  expect(rsi).toBeLessThan(30) // a steady fall: oversold, so the reversion plugin is bullish
  expect(outcomes[0]).toMatchObject({ status: "ok", values: { rsi } })
  expect(outcomes[0].score).toBe(100)
  expect(warmup[0]).toMatchObject({ status: "unavailable", reason: "needs 15 candles, has 5" })
})

test("the README's declared-inputs example loads and gets TA-Lib values from the host", async () => {
  const readme = readFileSync(join(ROOT, "core/plugins/README.md"), "utf8")
  const code = /```ts\n(\/\/ plugins\/indicators\/rsi-atr\.ts[\s\S]*?)```/.exec(readme)?.[1]
  expect(code).toBeDefined()
  const own = mkdtempSync(join(tmpdir(), "virtuoso-readme-inputs-"))
  writeFileSync(
    join(own, "rsi-atr.ts"),
    code!.replace('"virtuoso/sdk"', JSON.stringify(join(ROOT, "core/plugins/sdk.ts"))),
  )
  const n = 80
  const close = Float64Array.from({ length: n }, (_, i) => 100 + 5 * Math.sin(i / 4) + i * 0.1)
  const time = Float64Array.from({ length: n }, (_, i) => i * 60_000)
  const candles = {
    time,
    open: close,
    high: close.map((c) => c + 1),
    low: close.map((c) => c - 1),
    close,
    volume: close,
  }
  const outcomes = await runHost(
    { folders: [own] },
    Effect.flatMap(PluginHost, (h) => h.evaluate({ ...context(), candles, ta })),
  )
  rmSync(own, { recursive: true, force: true })
  const rsi = ta.rsi(close, { period: 14 })[n - 1]!
  expect(outcomes[0]).toMatchObject({ name: "rsi-atr", status: "ok" })
  expect(outcomes[0]!.values.rsi).toBeCloseTo(rsi, 9)
  expect(outcomes[0]!.values.atr).toBeCloseTo(ta.atr(candles.high, candles.low, close, { period: 14 })[n - 1]!, 9)
})
