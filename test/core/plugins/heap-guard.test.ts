/**
 * The worker memory guard: Bun ignores a Worker's resourceLimits, so the host samples the
 * process's resident memory while a batch runs and terminates the worker whose call grew it past
 * `plugins.workerHeapMb`. The time budget is far away here (10 s), so only the memory guard can
 * stop these plugins.
 *
 * - `hoards` takes 8 MB blocks in a loop towards 4 GB: stopped close to the limit (the process's
 *   peak resident memory shows it never got near 4 GB).
 * - `allocates` fills one 2 GB array in a single native call, which no termination interrupts:
 *   it is blamed and quarantined, and the memory is given back when its worker is gone.
 */
import { describe, expect, test } from "bun:test"
import { Effect, Schedule } from "effect"
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { PluginHost, type IndicatorOutcome } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const HOSTILE = resolve(import.meta.dir, "../../fixtures/plugins/hostile")
const LIMIT_MB = 256
const MB = 1048576

/** Peak resident memory of this process so far (VmHWM), MB. */
const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024
const rssMb = () => process.memoryUsage.rss() / MB

const withPlugins = async <A>(
  plugins: ReadonlyArray<string>,
  program: Effect.Effect<A, never, PluginHost>,
): Promise<A> => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-heap-"))
  for (const p of plugins) copyFileSync(join(HOSTILE, `${p}.ts`), join(dir, `${p}.ts`))
  try {
    return await runHost(
      { folders: [dir], ownedFolders: [], workers: 1, budgetMs: 10_000, heapLimitMb: LIMIT_MB },
      program,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const outcome = (outs: ReadonlyArray<IndicatorOutcome>, name: string) => outs.find((o) => o.name === name)!
const GUARD = new RegExp(
  `^grew the process's memory by (\\d+) MB during one call, over the ${LIMIT_MB} MB worker limit`,
)

describe("plugin worker memory guard", () => {
  const title = "a plugin that keeps allocating is stopped near the limit, blamed and quarantined"
  test(`${title}; others keep scoring`, async () => {
    const before = Math.max(peakMb(), rssMb())
    const { first, second, state } = await withPlugins(
      ["hoards", "steady"],
      Effect.gen(function* () {
        const host = yield* PluginHost
        const first = yield* host.evaluate(context())
        const second = yield* host.evaluate(context())
        const state = (yield* host.list).find((r) => r.name === "hoards")!.state
        return { first, second, state }
      }),
    )
    const hoards = outcome(first, "hoards")
    expect(hoards.status).toBe("failed")
    expect(hoards.error).toMatch(GUARD)
    expect(Number(GUARD.exec(hoards.error!)![1])).toBeGreaterThanOrEqual(LIMIT_MB)
    // It asked for 4 GB; the process never held more than a few samples' worth past the limit.
    expect(peakMb() - before).toBeLessThan(2 * LIMIT_MB + 512)
    expect(state).toBe("quarantined")
    for (const round of [first, second]) expect(outcome(round, "steady")).toMatchObject({ status: "ok", score: 60 })
    expect(outcome(second, "hoards")).toMatchObject({ status: "quarantined" })
  }, 90_000)

  test("one 2 GB native fill cannot be interrupted, but is blamed, quarantined and its memory given back", async () => {
    const before = rssMb()
    const { first, after } = await withPlugins(
      ["allocates", "steady"],
      Effect.gen(function* () {
        const host = yield* PluginHost
        const first = yield* host.evaluate(context())
        // The terminated worker's heap goes back to the system once the worker is gone.
        const after = yield* Effect.sync(rssMb).pipe(
          Effect.repeat({ until: (mb) => mb - before < LIMIT_MB, schedule: Schedule.spaced("50 millis"), times: 400 }),
        )
        return { first, after }
      }),
    )
    expect(outcome(first, "allocates").error).toMatch(GUARD)
    expect(outcome(first, "steady")).toMatchObject({ status: "ok" })
    expect(after - before).toBeLessThan(LIMIT_MB)
  }, 90_000)
})
