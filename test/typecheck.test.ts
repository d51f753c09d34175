/**
 * The whole project type-checks under `strict` (tsconfig.json): a type error fails the suite
 * like any other broken test, with tsc's own messages.
 */
import { expect, test } from "bun:test"
import { resolve } from "node:path"

const ROOT = resolve(import.meta.dir, "..")

test("tsc --noEmit reports no errors", async () => {
  const tsc = Bun.spawn([resolve(ROOT, "node_modules/.bin/tsc"), "--noEmit", "-p", ROOT], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  })
  const [code, out, err] = await Promise.all([
    tsc.exited,
    new Response(tsc.stdout).text(),
    new Response(tsc.stderr).text(),
  ])
  expect(`${out}${err}`.trim()).toBe("")
  expect(code).toBe(0)
}, 120_000)
