/**
 * The few intrinsic properties a plugin worker leaves writable (the engine's fast paths for
 * array iteration and `map` / `slice` / `subarray` depend on them keeping their original
 * attributes) are
 * checked after the calls instead: a plugin that changes one fails, the change is undone, and
 * the other plugins of the batch read arrays as they should.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const plugin = (name: string, body: string) => `export default {
  apiVersion: 1, kind: "indicator", name: "${name}", component: "technical", lookback: 1,
  compute(ctx) { ${body} },
}
`

const FILES = {
  // Runs first (folder order): its changes would reach "reader" if they were not undone.
  "a-patches.ts": plugin(
    "a-patches",
    `Array.prototype[Symbol.iterator] = function* () {}
    Array.prototype.constructor = function () { return [] }
    Array.prototype.extra = 1
    Float64Array.prototype.constructor = Array
    return { score: 50 }`,
  ),
  "b-reader.ts": plugin(
    "b-reader",
    `const xs = [1, 2, 3]
    const spread = Math.max(...xs)
    const mapped = xs.map((x) => x * 2).length
    let keys = 0
    for (const k in xs) keys++
    const sliced = ctx.candles.close.slice(0, 2) instanceof Float64Array ? 1 : 0
    return { score: 50, values: { spread, mapped, keys, sliced } }`,
  ),
}

describe("intrinsics left open in plugin workers", () => {
  test("a plugin that changes one fails; the others read arrays untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "virtuoso-open-intrinsics-"))
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text)
    try {
      const rounds = await runHost(
        { folders: [dir], ownedFolders: [], workers: 1, budgetMs: 1000 },
        Effect.gen(function* () {
          const host = yield* PluginHost
          return [yield* host.evaluate(context()), yield* host.evaluate(context())]
        }),
      )
      for (const outs of rounds) {
        const patches = outs.find((o) => o.name === "a-patches")!
        expect(patches.status).toBe("failed")
        expect(patches.error).toContain("Array.prototype[Symbol(Symbol.iterator)]")
        expect(patches.error).toContain("Array.prototype.constructor")
        const reader = outs.find((o) => o.name === "b-reader")!
        expect(reader).toMatchObject({ status: "ok", values: { spread: 3, mapped: 3, keys: 3, sliced: 1 } })
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
