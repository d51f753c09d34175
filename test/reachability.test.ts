/**
 * Every production module (every `.ts` under core/ and plugins/) is reached from a production
 * entry point: the engine (`core/main.ts`), the `ta` and `replay` CLIs, the plugin SDK (the
 * package export), the build script, drizzle-kit's config, and the plugin files the host
 * discovers at run time. A module reached only from tests or benches fails the suite, naming
 * it: delete it, move it to test/support, or make the engine run it.
 *
 * The graph follows every static form that names a relative file (`import`/`export … from`,
 * `import type`, side-effect imports, literal `import()`, and `new URL("./x.ts", import.meta.url)`
 * as used to start workers) plus the SDK's package name.
 */
import { expect, test } from "bun:test"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const ROOT = resolve(import.meta.dir, "..")
const SCOPE = ["core", "plugins"]
const SDK = "core/plugins/sdk.ts"

const walk = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? walk(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : []
  })

/** Plugin files as the host discovers them: each `*.ts` in a folder, or a sub-folder's `index.ts`. */
const pluginEntries = (folder: string): Array<string> =>
  readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith(".") || e.name.startsWith("_")) return []
    const p = join(ROOT, folder, e.name)
    if (e.isDirectory()) return existsSync(join(p, "index.ts")) ? [join(p, "index.ts")] : []
    return e.name.endsWith(".ts") && !/\.(test|spec|d)\.ts$/.test(e.name) ? [p] : []
  })

/** Files under core/ or plugins/ that package.json scripts run directly (`bun core/x.ts`). */
const scriptEntries = (): Array<string> => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
  const files = Object.values(pkg.scripts).flatMap((s) => [...s.matchAll(/\b((?:core|plugins)\/[\w./-]+\.ts)\b/g)])
  return files.map((m) => join(ROOT, m[1]!))
}

const ENTRIES = ["core/main.ts", SDK, "core/store/drizzle.config.ts"]
  .map((f) => join(ROOT, f))
  .concat(scriptEntries(), pluginEntries("plugins/indicators"), pluginEntries("plugins/exchanges"))

const SPECIFIERS = [
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\bnew\s+URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g,
]

const resolveSpecifier = (from: string, spec: string): string | undefined => {
  if (spec === "virtuoso/sdk") return join(ROOT, SDK)
  if (!spec.startsWith(".")) return undefined
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

test("no production module under core/ or plugins/ is reached only from tests or benches", () => {
  const reached = new Set<string>()
  const queue = ENTRIES.filter((f) => existsSync(f))
  while (queue.length > 0) {
    const file = queue.pop()!
    if (reached.has(file)) continue
    reached.add(file)
    const source = readFileSync(file, "utf8")
    for (const pattern of SPECIFIERS) {
      for (const m of source.matchAll(pattern)) {
        const target = resolveSpecifier(file, m[1]!)
        if (target !== undefined && !reached.has(target)) queue.push(target)
      }
    }
  }
  const production = SCOPE.flatMap((d) => walk(join(ROOT, d)))
  const unreached = production
    .filter((f) => !reached.has(f))
    .map((f) => relative(ROOT, f))
    .sort()
  expect(unreached).toEqual([])
  expect(reached.size).toBeGreaterThan(100) // the walk really followed the graph
})
