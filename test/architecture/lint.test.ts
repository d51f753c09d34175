/**
 * The repository is formatted and linted by Biome (biome.json: lines ≤ 120, the recommended rules):
 * a formatting difference or a lint error fails the suite with Biome's own report, so
 * `npm run format` / `npm run lint` are the fix. Lint warnings are reported by `npm run lint` only.
 */
import { expect, test } from "bun:test"
import { resolve } from "node:path"

const ROOT = resolve(import.meta.dir, "../..")

test("biome check (format + lint) reports no errors", async () => {
  const biome = Bun.spawn(
    [resolve(ROOT, "node_modules/.bin/biome"), "check", "--diagnostic-level=error", "--max-diagnostics=50", "."],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  )
  const [code, out, err] = await Promise.all([
    biome.exited,
    new Response(biome.stdout).text(),
    new Response(biome.stderr).text(),
  ])
  expect(code, `${out}${err}`).toBe(0)
}, 120_000)
