/**
 * On the live path every scored candle's confluence event is stored: the engine (sim exchange,
 * store on, 12 symbols) keeps an `analysis.confluence` row per scoring, each the compact payload,
 * with its time and its candle-based components. The rows are group-committed: what Analysis
 * scored while the previous commit ran goes into one transaction, so the 12 symbols' scores of a
 * round share commits instead of taking one transaction each.
 */
import { Database } from "bun:sqlite"
import { afterAll, expect, test } from "bun:test"
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { ConfluenceComputed } from "../../../core/events/index.ts"
import { startApp, type RunningApp } from "../../support/app.ts"
import { eventually } from "../../support/eventually.ts"

const SYMBOLS = Array.from({ length: 12 }, (_, i) => `C${i}/USDT`)
const dir = mkdtempSync(join(tmpdir(), "virtuoso-commits-"))
const path = join(dir, "virtuoso.db")
let app: RunningApp | undefined
afterAll(async () => {
  await app?.close()
  rmSync(dir, { recursive: true, force: true })
})

test("each scoring's confluence event is stored as a compact payload, group-committed", async () => {
  app = await startApp(
    parseConfig({
      http: { enabled: false },
      store: { path },
      plugins: { watch: false },
      log: { level: "warn" },
      symbols: { static: SYMBOLS, top: 0 },
      exchange: { speed: 5, pollMs: 100 },
    }),
  )
  await Effect.runPromise(app.get(Analysis).awaitScores)
  const db = new Database(path, { readonly: true })
  try {
    // Commits of confluence rows, largest first (a commit's rows share its stored_at).
    const commits = () =>
      db
        .query(
          "SELECT stored_at, count(*) AS n FROM events WHERE type = 'analysis.confluence' GROUP BY stored_at ORDER " +
            "BY n DESC",
        )
        .all() as Array<{ stored_at: number; n: number }>
    // New candles on every symbol (5 per second): wait for a few rounds of scores of every symbol.
    await eventually(
      "several commits holding two rounds of confluence events",
      commits,
      (c) => c.length >= 4 && c.reduce((sum, x) => sum + x.n, 0) >= 2 * SYMBOLS.length,
      { timeoutMs: 30_000 },
    )
    const rows = db.query("SELECT payload FROM events WHERE type = 'analysis.confluence'").all() as Array<{
      payload: string
    }>
    expect(rows.length).toBeGreaterThanOrEqual(SYMBOLS.length)
    // Group commit: scores that arrive while a commit runs share the next transaction, so there
    // are fewer transactions than rows (one transaction per scoring would make every count 1).
    // How a round splits across commits depends on the machine's speed, so no count is fixed.
    const all = commits()
    expect(all[0]!.n).toBeGreaterThan(1)
    expect(all.length).toBeLessThan(all.reduce((sum, c) => sum + c.n, 0))
    for (const { payload } of rows) {
      expect(payload.length).toBeLessThanOrEqual(1024)
      const parsed = ConfluenceComputed.safeParse(JSON.parse(payload))
      expect(parsed.success ? "valid" : `${parsed.error.message} in ${payload}`).toBe("valid")
      // Candle-based components are scored: the plugins saw the candles.
      expect(parsed.data?.components.technical).toBeNumber()
    }
  } finally {
    db.close()
  }
}, 60_000)
