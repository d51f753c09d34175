/**
 * Hot reload of a whole folder plugin running in a plugin worker: editing a helper module (not
 * the entry file) is a new version, loaded in fresh workers so the helper is re-evaluated; an
 * edit that breaks the helper is reported and the previous version keeps scoring.
 */
import { afterAll, expect, test } from "bun:test"
import { Effect, Option, Stream } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginHost, type PluginEvent } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-folder-plugin-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test("a folder plugin reloads in a fresh worker when any of " +
  "its files changes; a broken edit keeps the old version", async () => {
  const folder = join(dir, "two-files")
  mkdirSync(folder)
  writeFileSync(
    join(folder, "index.ts"),
    [
      `import { level } from "./level.ts"`,
      `export default { apiVersion: 1, kind: "indicator", name: "two-files", component: "technical", lookback: 1, ` +
        `compute: () => ({ score: level }) }`,
    ].join("\n"),
  )
  writeFileSync(join(folder, "level.ts"), "export const level = 40\n")

  const seen = await runHost(
    { folders: [dir], ownedFolders: [], watch: true, debounceMs: 30, workers: 1 },
    Effect.scoped(
      Effect.gen(function* () {
        const host = yield* PluginHost
        const score = Effect.map(host.evaluate(context()), (outcomes) => outcomes.find((o) => o.name === "two-files"))
        /** Writes the helper and waits for the first event after the write that `until` accepts. */
        const edit = Effect.fnUntraced(function* (content: string, until: (e: PluginEvent) => boolean) {
          const after = Date.now()
          writeFileSync(join(folder, "level.ts"), content)
          const event = yield* host.changes.pipe(
            Stream.filter((e) => e.time >= after - 1 && until(e)),
            Stream.runHead,
            Effect.timeout("20 seconds"),
          )
          return Option.getOrThrow(event)
        })
        const first = yield* score
        const firstVersion = (yield* host.list).find((p) => p.name === "two-files")?.version
        const reloaded = yield* edit(
          "export const level = 70\n",
          (e) => e.type === "reloaded" && e.name === "two-files",
        )
        const second = yield* score
        const failed = yield* edit("export const level = \n", (e) => e.type === "failed" && e.name === "two-files")
        const third = yield* score
        return {
          first,
          firstVersion,
          reloaded,
          second,
          failed,
          third,
          row: (yield* host.list).find((p) => p.name === "two-files"),
        }
      }),
    ),
  )

  expect(seen.first).toMatchObject({ status: "ok", score: 40 })
  expect(seen.reloaded.version).not.toBe(seen.firstVersion)
  expect(seen.second).toMatchObject({ status: "ok", score: 70 })
  expect(seen.failed.error).toContain("import failed")
  expect(seen.failed.error).toContain(`(keeping version ${seen.reloaded.version})`)
  expect(seen.third).toMatchObject({ status: "ok", score: 70 })
  expect(seen.row).toMatchObject({ state: "active", isolation: "worker", version: seen.reloaded.version })
}, 60_000)
