import { afterAll, expect, test } from "bun:test"
import { Effect, Stream } from "effect"
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-rescan-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const plugin = (name: string, score: number) =>
  `export default { apiVersion: 1, kind: "indicator", name: "${name}", component: "technical", lookback: 1, ` +
  `compute: () => ({ score: ${score} }) }\n`

test(
  "reload without a watcher: a duplicate takes the name over when its " +
    "holder goes; a renamed plugin frees its old name for the next claimant",
  async () => {
    writeFileSync(join(dir, "a.ts"), plugin("dup", 60))
    writeFileSync(join(dir, "b.ts"), plugin("dup", 40))
    const s = await runHost(
      { folders: [dir] },
      Effect.gen(function* () {
        const host = yield* PluginHost
        const start = yield* host.list
        // A new file claiming a held name is rejected; the holder keeps it even though "0" sorts first.
        writeFileSync(join(dir, "0.ts"), plugin("dup", 10))
        yield* host.reload
        const withNewcomer = yield* host.list
        unlinkSync(join(dir, "a.ts"))
        yield* host.reload
        const afterHolderGone = yield* host.list
        const scoreAfter = (yield* host.evaluate(context()))[0]
        writeFileSync(join(dir, "0.ts"), plugin("renamed", 70))
        yield* host.reload
        const afterRename = yield* host.list
        const events = yield* host.changes.pipe(Stream.take(7), Stream.runCollect)
        return { start, withNewcomer, afterHolderGone, scoreAfter, afterRename, events }
      }),
    )
    const view = (rows: typeof s.start) => rows.map((r) => `${r.name} ${r.file.split("/").pop()} ${r.state}`)
    expect(view(s.start)).toEqual(["dup a.ts active", "dup b.ts failed"])
    expect(view(s.withNewcomer)).toEqual(["dup 0.ts failed", "dup a.ts active", "dup b.ts failed"])
    // The holder is gone: the first claimant in folder order (0.ts) takes the name.
    expect(view(s.afterHolderGone)).toEqual(["dup 0.ts active", "dup b.ts failed"])
    expect(s.scoreAfter).toMatchObject({ name: "dup", score: 10 })
    expect(view(s.afterRename)).toEqual(["dup b.ts active", "renamed 0.ts active"])
    expect(s.events.map((e) => `${e.type} ${e.name} ${e.file.split("/").pop()}`)).toEqual([
      "failed dup b.ts",
      "loaded dup a.ts",
      "failed dup 0.ts",
      // a.ts deleted: 0.ts takes "dup", and b.ts is now rejected against 0.ts (a new message)
      "failed dup b.ts",
      "reloaded dup 0.ts",
      // 0.ts renamed its plugin: "renamed" appears and "dup" passes to b.ts
      "loaded renamed 0.ts",
      "reloaded dup b.ts",
    ])
  },
)
