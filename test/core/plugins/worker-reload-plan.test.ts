/**
 * A batch asked for before a plugin reload and flushed after it runs on the reloaded pool: its
 * calls are planned again when the batch is flushed, so a slot the reload removed reads as
 * loading and the remaining slot's calls reach that slot's plugin (the reload renumbered the
 * pool's plugins), never another one. Real plugin workers, real slots.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { PluginEvent } from "../../../core/plugins/index.ts"
import type { IndicatorSlot } from "../../../core/plugins/registry.ts"
import { makeSlot } from "../../../core/plugins/registry.ts"
import type { IndicatorPlugin } from "../../../core/plugins/sdk.ts"
import { makeDispatcher } from "../../../core/plugins/workers/dispatch.ts"
import { makeWorkerPool } from "../../../core/plugins/workers/worker-pool.ts"
import { context } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-worker-reload-plan-"))
const pool = makeWorkerPool({ size: 1, budgetMs: 1000, heapLimitMb: 1024, onUncaught: () => undefined })
afterAll(() => {
  pool.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A worker slot whose plugin scores `score`, from a file of its own. */
const slot = (name: string, score: number): IndicatorSlot => {
  const path = join(dir, `${name}.ts`)
  const declaration = { apiVersion: 1, kind: "indicator", name, component: "volume", lookback: 1 } as const
  writeFileSync(path, `export default { ...${JSON.stringify(declaration)}, compute: () => ({ score: ${score} }) }\n`)
  const plugin = { ...declaration, compute: () => ({ score: null }) } as IndicatorPlugin
  // What makeSlot reads: the plugin's settings and the breaker's numbers (nothing is loaded here).
  const config = {
    ...{ root: dir, folders: [dir], pluginConfig: {}, maxFailures: 3, quarantineMs: 60_000 },
    ...{ isolationOf: () => "worker" as const, probe: async () => [] },
  }
  const loaded = {
    valid: { kind: "indicator", plugin } as const,
    version: name,
    params: {},
    isolation: "worker" as const,
  }
  return makeSlot(loaded, { path, file: `${name}.ts`, stamp: "", folder: null }, config) as IndicatorSlot
}

describe("plugin workers: a batch flushed after a reload", () => {
  test("is planned again: a removed slot reads as loading, the other reaches its own plugin", async () => {
    const [a, b] = [slot("scores-ten", 10), slot("scores-ninety", 90)]
    const source = {
      read: () => {
        throw new Error("no declared inputs here")
      },
    }
    const dispatcher = makeDispatcher(
      () => pool,
      { budgetMs: 1000 },
      source,
      () => undefined,
    )
    await dispatcher.setSlots([a, b])
    const events: Array<PluginEvent> = []
    // Asked for with both slots; the reload (only b left, now the pool's first plugin) is queued
    // before the batch's flush, which runs after it.
    const asked = dispatcher.evaluateBatch([a, b], [[context("AAA/USDT")]], undefined, Date.now(), events)
    const reloaded = dispatcher.setSlots([b])
    const [[outcomes]] = await asked
    await reloaded
    expect(outcomes.map((o) => `${o.name} ${o.status} ${o.score}`)).toEqual([
      "scores-ten unavailable null",
      "scores-ninety ok 90",
    ])
    expect(outcomes[0].reason).toBe("loading in a plugin worker")
  }, 30_000)
})
