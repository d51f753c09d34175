import { afterAll, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-crash-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Small seeded PRNG so a failing run can be reproduced from the printed seed.
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
let state = seed
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31
  return state / 2 ** 31
}

const KILLS = 20
const child = join(import.meta.dir, "crash-child.ts")

const runOnce = async (path: string, run: number): Promise<Array<string>> => {
  const proc = Bun.spawn([process.execPath, child, path, String(run)], { stdout: "pipe", stderr: "pipe" })
  const reader = proc.stdout.getReader()
  const decoder = new TextDecoder()
  let text = ""
  let killed = false
  let killTimer: ReturnType<typeof setTimeout> | undefined
  while (true) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    // Kill at a random moment once the child is publishing (0–250 ms after its first ack).
    if (!killed && killTimer === undefined && text.includes("\n")) {
      killTimer = setTimeout(() => {
        killed = true
        proc.kill("SIGKILL")
      }, random() * 250)
    }
  }
  await proc.exited
  if (!killed) throw new Error(`child exited on its own: ${await new Response(proc.stderr).text()}`)
  // A line cut by the kill is not an acknowledgement.
  const lines = text.split("\n")
  lines.pop()
  return lines.filter((l) => l.length > 0)
}

test(`every acknowledged event survives ${KILLS} SIGKILLs exactly once, integrity ok (seed ${seed})`, async () => {
  const path = join(dir, "events.db")
  const acked: Array<string> = []
  for (let run = 0; run < KILLS; run++) {
    acked.push(...(await runOnce(path, run)))
    const db = new Database(path)
    const integrity = db.query("PRAGMA integrity_check").get() as { integrity_check: string }
    expect(integrity.integrity_check).toBe("ok")
    const rows = db.query("SELECT id, count(*) AS n FROM events GROUP BY id").all() as Array<{ id: string; n: number }>
    db.close()
    const counts = new Map(rows.map((r) => [r.id, r.n]))
    // Acked ids repeat only for the FIXED-n events every run re-publishes; each is stored once.
    const missing = [...new Set(acked)].filter((id) => counts.get(id) !== 1)
    expect({ run, missing: missing.slice(0, 5), missingCount: missing.length }).toEqual({
      run,
      missing: [],
      missingCount: 0,
    })
  }
  expect(acked.length).toBeGreaterThan(KILLS * 100)
  expect(acked.filter((id) => id === "FIXED-0").length).toBeGreaterThan(1)
}, 60_000)
