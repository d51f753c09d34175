/**
 * `bun run start` as a user runs it: a child process that prints its URL, drains on SIGTERM
 * and SIGINT and exits 0 within 5 s; a bad config exits non-zero naming the key.
 */
import { describe, expect, test } from "bun:test"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const ROOT = resolve(import.meta.dir, "../../..")

const start = (env: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-start-"))
  return Bun.spawn([process.execPath, "core/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      VIRTUOSO_HTTP_PORT: "0",
      VIRTUOSO_STORE_PATH: join(dir, "v.db"),
      VIRTUOSO_PLUGINS_WATCH: "false",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  })
}

/** Collects a stream in the background; `waitFor` resolves as soon as a chunk completes a pattern. */
const collect = (stream: ReadableStream<Uint8Array>) => {
  let text = ""
  const waiters = new Set<() => void>()
  const done = (async () => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) {
      text += decoder.decode(chunk)
      for (const wake of waiters) wake()
    }
    for (const wake of waiters) wake()
  })()
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (pattern.test(text)) {
          waiters.delete(check)
          resolve(text)
        }
      }
      waiters.add(check)
      check()
      done.then(() => waiters.has(check) && reject(new Error(`stream ended without ${pattern}; got:\n${text}`)))
    })
  return { waitFor, all: async () => (await done, text) }
}

describe("process lifecycle", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal}: drains and exits 0 in under 5 s`, async () => {
      const child = start({ VIRTUOSO_LOG_LEVEL: "debug" })
      const stderr = collect(child.stderr)
      const output = await stderr.waitFor(/market data ready/)
      expect(output).toMatch(/http listening on http:\/\/127\.0\.0\.1:\d+\//)
      const sent = performance.now()
      child.kill(signal)
      const code = await child.exited
      const elapsed = performance.now() - sent
      const rest = await stderr.all()
      expect(code).toBe(0)
      expect(elapsed).toBeLessThan(5000)
      expect(rest).toContain("finalizer: http server closed")
      expect(rest).toContain("finalizer: exchange sim closed")
    }, 30_000)
  }

  test("a bad config exits non-zero with one line naming the key", async () => {
    const child = start({ VIRTUOSO_HTTP_PORT: "99999" })
    const code = await child.exited
    const stderr = await new Response(child.stderr).text()
    expect(code).not.toBe(0)
    expect(stderr).toContain("http.port")
    expect(stderr).toContain("VIRTUOSO_HTTP_PORT")
    expect(stderr.trim().split("\n").length).toBe(1)
  }, 30_000)
})
