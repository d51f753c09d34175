/**
 * Starts `bun core/main.ts` as a child process with a temp config file, waits for its URL, and
 * gives a test small helpers: timed GETs and a SIGTERM that reports exit code and time.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const ROOT = resolve(import.meta.dir, "../..")

export interface EngineProcess {
  readonly url: string
  readonly pid: number
  readonly dir: string
  /** Everything the engine logged so far. */
  readonly log: () => string
  readonly get: <T = unknown>(path: string) => Promise<{ status: number; body: T; ms: number }>
  /**
   * Resolves when a log line matches `pattern` (whose first group is the line's `HH:MM:SS.mmm`
   * timestamp) with that timestamp in ms since midnight.
   */
  readonly waitForLog: (pattern: RegExp, timeoutMs?: number) => Promise<number>
  /** SIGTERM; resolves with the exit code and the milliseconds it took to exit. */
  readonly stop: () => Promise<{ code: number; ms: number }>
}

export const startEngine = async (config: Record<string, unknown>, timeoutMs = 30_000): Promise<EngineProcess> => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-engine-"))
  const file = join(dir, "virtuoso.config.json")
  writeFileSync(file, JSON.stringify({ http: { port: 0 }, store: { path: join(dir, "v.db") }, ...config }))
  const child = Bun.spawn([process.execPath, "core/main.ts", "--config", file], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  })
  let text = ""
  const waiters = new Set<() => void>()
  const listening = Promise.withResolvers<string>()
  const read = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) {
      text += decoder.decode(chunk)
      const url = /http listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1]
      if (url !== undefined) listening.resolve(url)
      for (const wake of waiters) wake()
    }
  }
  void read(child.stderr)
  void read(child.stdout)
  void child.exited.then((code) => listening.reject(new Error(`engine exited with ${code} before listening:\n${text}`)))
  const timer = setTimeout(() => {
    child.kill("SIGKILL")
    listening.reject(new Error(`engine not listening after ${timeoutMs} ms:\n${text}`))
  }, timeoutMs)
  const base = await listening.promise.finally(() => clearTimeout(timer))
  return {
    url: base,
    pid: child.pid,
    dir,
    log: () => text,
    waitForLog: (pattern, ms = 20_000) =>
      new Promise<number>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined
        const check = () => {
          const m = pattern.exec(text)
          if (m === null) return
          waiters.delete(check)
          clearTimeout(timer)
          const [h, min, sec] = m[1].split(":").map(Number)
          resolve(((h * 60 + min) * 60 + sec) * 1000)
        }
        timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no log line matching ${pattern} within ${ms} ms:\n${text}`))
        }, ms)
        waiters.add(check)
        check()
      }),
    get: async <T>(path: string) => {
      const t = performance.now()
      const res = await fetch(`${base}${path}`)
      const body = (await res.json()) as T
      return { status: res.status, body, ms: performance.now() - t }
    },
    stop: async () => {
      const t = performance.now()
      child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
      const code = await child.exited
      clearTimeout(timer)
      return { code, ms: performance.now() - t }
    },
  }
}
