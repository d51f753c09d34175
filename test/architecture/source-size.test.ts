/**
 * Every source file stays small enough to read in one sitting and every line fits a side-by-side
 * diff: at most 120 characters per line everywhere, and at most 300 lines per file outside
 * `wasm/assembly` (the AssemblyScript kernels, whose unrolled loops are kept whole on purpose).
 * Biome formats to 120 but never breaks a string or a comment, and does not read the
 * AssemblyScript, so this check covers those too. The files are the ones git tracks; data (JSON
 * fixtures, recordings) is not source and is not checked.
 */
import { expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"

const ROOT = resolve(import.meta.dir, "../..")
const MAX_LINES = 300
const MAX_WIDTH = 120
const SOURCE = /\.(ts|tsx|js|mjs|cjs|css|html)$/
const LONG_FILES_ALLOWED = /^wasm\/assembly\//

const tracked = (): ReadonlyArray<string> => {
  const git = Bun.spawnSync(["git", "ls-files", "-z"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" })
  if (git.exitCode !== 0) throw new Error(`git ls-files failed: ${git.stderr.toString()}`)
  return git.stdout
    .toString()
    .split("\0")
    .filter((path) => SOURCE.test(path))
}

const files = tracked().map((path) => {
  // A file may be tracked but deleted in the working tree while it is being moved.
  let text = ""
  try {
    text = readFileSync(resolve(ROOT, path), "utf8")
  } catch {
    // skipped
  }
  return { path, lines: text.split("\n") }
})

test("the check sees the repository's sources", () => {
  expect(files.length).toBeGreaterThan(100)
  expect(files.some((f) => f.path === "core/main.ts")).toBe(true)
})

test(`no source file over ${MAX_LINES} lines outside wasm/assembly`, () => {
  const over = files
    .map((f) => ({ path: f.path, count: f.lines.at(-1) === "" ? f.lines.length - 1 : f.lines.length }))
    .filter((f) => f.count > MAX_LINES && !LONG_FILES_ALLOWED.test(f.path))
    .map((f) => `${f.path}: ${f.count} lines`)
  expect(over, "split these by concept (one job per file)").toEqual([])
})

test(`no line over ${MAX_WIDTH} characters`, () => {
  const long = files.flatMap((f) =>
    f.lines.flatMap((line, i) => (line.length > MAX_WIDTH ? [`${f.path}:${i + 1}: ${line.length} chars`] : [])),
  )
  expect(long, "wrap the string or comment (Biome does not)").toEqual([])
})
