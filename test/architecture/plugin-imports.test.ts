/**
 * Plugins are written against the SDK alone: every file under `plugins/` imports `virtuoso/sdk`,
 * files of its own plugin folder and third-party libraries, never `core/` by path and never
 * `effect` (what a plugin needs of it, the SDK re-exports in plain form).
 */
import { describe, expect, test } from "bun:test"
import { join, posix } from "node:path"
import { coreRoot, importsOf, readTree } from "../support/import-graph/import-graph.ts"

const pluginsRoot = join(coreRoot, "../plugins")

/** `plugins/<kind>/<name>/…` → `<kind>/<name>`; a single-file plugin (`plugins/<kind>/x.ts`) → `<kind>`. */
const pluginFolderOf = (file: string) => posix.dirname(file).split("/").slice(0, 2).join("/")

describe("plugins/ imports", () => {
  const files = readTree(pluginsRoot)

  test("every plugin file is read", () => {
    expect(files.size).toBeGreaterThan(40)
  })

  test("nothing reaches core/ by path, another plugin's folder, or effect", () => {
    const offences: Array<string> = []
    for (const [file, source] of files) {
      for (const { specifier } of importsOf(source)) {
        if (specifier === "effect" || specifier.startsWith("effect/")) offences.push(`${file} imports ${specifier}`)
        if (!specifier.startsWith(".")) continue
        const target = posix.normalize(posix.join(posix.dirname(file), specifier))
        if (target.startsWith("..") || !target.startsWith(`${pluginFolderOf(file)}/`))
          offences.push(`${file} imports ${specifier}`)
      }
    }
    expect(offences).toEqual([])
  })
})
