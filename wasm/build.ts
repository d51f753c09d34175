/**
 * Builds the AssemblyScript kernels in `wasm/assembly/` into `wasm/build/virtuoso.wasm`.
 *
 * Runs on `npm install` (postinstall) and before `start`/`test`/`bench:*` with `--if-stale`, so a
 * fresh clone never needs a manual step. The output is generated, not committed: it is a pure
 * function of the sources and the pinned compiler, and committing it would let the two drift.
 */
import { readdirSync, statSync, mkdirSync, existsSync } from "node:fs"
import { join, dirname } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(fileURLToPath(import.meta.url))
const sourceDir = join(root, "assembly")
const outDir = join(root, "build")
export const wasmPath = join(outDir, "virtuoso.wasm")

const newestSource = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (newest, entry) => {
      const path = join(dir, entry.name)
      const mtime = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs
      return Math.max(newest, mtime)
    },
    statSync(join(root, "build.ts")).mtimeMs,
  )

const isStale = () => !existsSync(wasmPath) || statSync(wasmPath).mtimeMs < newestSource(sourceDir)

if (process.argv.includes("--if-stale") && !isStale()) process.exit(0)

// Loaded only to build: the compiler takes most of a second to load, which every `start`, `test`
// and `bench:*` would otherwise pay for the staleness check alone.
const { default: asc } = await import("assemblyscript/asc")

mkdirSync(outDir, { recursive: true })
const started = performance.now()
const { error, stderr } = await asc.main([
  join(sourceDir, "index.ts"),
  "--outFile",
  wasmPath,
  "--textFile",
  join(outDir, "virtuoso.wat"),
  "-O3",
  "--noAssert",
  "--runtime",
  "stub",
  "--enable",
  "simd",
  "--initialMemory",
  "16",
  "--exportStart",
  "_initialize",
])
if (error) {
  console.error(`wasm build failed: ${error.message}\n${stderr.toString()}`)
  process.exit(1)
}
console.error(`wasm built: ${wasmPath} in ${(performance.now() - started).toFixed(0)} ms`)
