/**
 * `BUILT_IN_PLUGINS` (the only plugins allowed to run inline) lists exactly the plugins the
 * project ships: a plugin added to the project's folders without being listed would silently
 * run in a worker, one listed but gone would let a later file of that name run inline.
 */
import { expect, test } from "bun:test"
import { BUILT_IN_PLUGINS } from "../../../core/plugins/builtins.ts"
import { DEFAULT_FOLDERS } from "../../../core/plugins/index.ts"
import { scanFolders } from "../../../core/plugins/discovery.ts"
import { ROOT } from "./support.ts"

test("the built-in list matches the plugin files in the project's plugin folders", async () => {
  const { candidates } = await scanFolders(ROOT, DEFAULT_FOLDERS)
  expect(candidates.map((c) => c.file).sort()).toEqual([...BUILT_IN_PLUGINS].sort())
})
