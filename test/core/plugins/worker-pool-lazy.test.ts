/**
 * The plugin worker pool starts with the first worker slot: a dispatcher whose slots all run
 * inline evaluates, forgets symbols and closes without ever starting one (a replay of built-ins
 * pays nothing for isolation it does not use); the first worker slot starts it once, and it is
 * closed with the dispatcher; a reload after closing starts none. Real plugin workers, real slots.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { PluginEvent } from "../../../core/plugins/index.ts"
import type { IndicatorSlot } from "../../../core/plugins/registry.ts"
import { makeSlot } from "../../../core/plugins/registry.ts"
import type { IndicatorPlugin } from "../../../core/plugins/sdk.ts"
import type { Isolation } from "../../../core/plugins/types.ts"
import { makeDispatcher } from "../../../core/plugins/workers/dispatch.ts"
import { makeWorkerPool, type WorkerPool } from "../../../core/plugins/workers/worker-pool.ts"
import { context } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-worker-pool-lazy-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A slot whose plugin scores `score`, from a file of its own, run where `isolation` says. */
const slot = (name: string, score: number, isolation: Isolation): IndicatorSlot => {
  const path = join(dir, `${name}.ts`)
  const declaration = { apiVersion: 1, kind: "indicator", name, component: "volume", lookback: 1 } as const
  writeFileSync(path, `export default { ...${JSON.stringify(declaration)}, compute: () => ({ score: ${score} }) }\n`)
  const plugin = { ...declaration, compute: () => ({ score }) } as IndicatorPlugin
  const config = {
    ...{ root: dir, folders: [dir], pluginConfig: {}, maxFailures: 3, quarantineMs: 60_000 },
    ...{ isolationOf: () => isolation, probe: async () => [] },
  }
  const loaded = { valid: { kind: "indicator", plugin } as const, version: name, params: {}, isolation }
  return makeSlot(loaded, { path, file: `${name}.ts`, stamp: "", folder: null }, config) as IndicatorSlot
}

/** A dispatcher over real pools, with every pool it started. */
const dispatcher = () => {
  const started: Array<WorkerPool> = []
  const startPool = () => {
    const pool = makeWorkerPool({ size: 1, budgetMs: 1000, heapLimitMb: 1024, onUncaught: () => undefined })
    started.push(pool)
    return pool
  }
  const source = {
    read: () => {
      throw new Error("no declared inputs here")
    },
  }
  return { d: makeDispatcher(startPool, { budgetMs: 1000 }, source, () => undefined), started }
}

const scores = (outs: ReadonlyArray<ReadonlyArray<ReadonlyArray<{ name: string; score: number | null }>>>) =>
  outs.flatMap((s) => s.flatMap((ctx) => ctx.map((o) => `${o.name} ${o.score}`)))

describe("plugin workers: the pool starts with the first worker slot", () => {
  test("all inline: evaluated, symbols forgotten, closed, and no pool ever started", async () => {
    const { d, started } = dispatcher()
    const inline = [slot("inline-a", 11, "inline"), slot("inline-b", 22, "inline")]
    await d.setSlots(inline)
    const events: Array<PluginEvent> = []
    const outs = await d.evaluateBatch(inline, [[context("AAA/USDT")]], undefined, Date.now(), events)
    expect(scores(outs)).toEqual(["inline-a 11", "inline-b 22"])
    d.retainSymbols(new Set())
    d.close()
    expect(started).toHaveLength(0)
  })

  test("a worker slot starts one pool, which runs it and closes with the dispatcher; none after", async () => {
    const { d, started } = dispatcher()
    const inline = slot("inline-c", 33, "inline")
    await d.setSlots([inline])
    expect(started).toHaveLength(0)
    const both = [inline, slot("worker-d", 44, "worker")]
    await d.setSlots(both)
    expect(started).toHaveLength(1)
    const events: Array<PluginEvent> = []
    const outs = await d.evaluateBatch(both, [[context("AAA/USDT")]], undefined, Date.now(), events)
    expect(scores(outs)).toEqual(["inline-c 33", "worker-d 44"])
    expect(started[0].size).toBe(1)
    d.close()
    expect(started[0].size).toBe(0)
    await d.setSlots([slot("worker-e", 55, "worker")])
    expect(started).toHaveLength(1)
  }, 30_000)
})
