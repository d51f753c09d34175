/** Migrations run at start, including on a database file written by the first schema version. */
import { expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { EventStore, MIGRATIONS_DIR } from "../../../core/store/index.ts"
import { openStoreDatabase } from "../../../core/store/database.ts"
import { tempDir } from "./support.ts"

/** A migrations folder holding only the first migration: the schema an old release shipped. */
const firstMigrationOnly = (dir: string) => {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8"))
  const first = journal.entries[0]
  const out = join(dir, "migrations-v1")
  mkdirSync(join(out, "meta"), { recursive: true })
  writeFileSync(join(out, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: [first] }))
  copyFileSync(join(MIGRATIONS_DIR, `${first.tag}.sql`), join(out, `${first.tag}.sql`))
  return out
}

const columns = (db: Database) =>
  (db.query("PRAGMA table_info(events)").all() as Array<{ name: string }>).map((c) => c.name)
const indexes = (db: Database) =>
  (
    db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as Array<{
      name: string
    }>
  ).map((r) => r.name)

test("an old database file is migrated at start and its events stay queryable", async () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  // Write the file as the first release would have: its schema, its rows.
  const old = openStoreDatabase(path, "NORMAL", firstMigrationOnly(dir))
  expect(columns(old.sqlite)).not.toContain("timeframe")
  old.sqlite
    .query(
      "INSERT INTO events (id, type, version, time, symbol, correlation_id, source, payload, stored_at) VALUES (?, " +
        "?, 1, ?, ?, NULL, 'old', ?, 0)",
    )
    .run(
      "OLD1",
      "market.candle.closed",
      1_000,
      "BTC/USDT",
      JSON.stringify({
        symbol: "BTC/USDT",
        timeframe: "1m",
        candle: { time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
      }),
    )
  old.close()

  const page = await Effect.runPromise(
    Effect.gen(function* () {
      const store = yield* EventStore
      return yield* store.query({ symbol: "BTC/USDT" })
    }).pipe(Effect.scoped, Effect.provide(EventStore.layer({ path }))),
  )
  expect(page.events.map((e) => e.id)).toEqual(["OLD1"])
  expect(page.events[0].type).toBe("market.candle.closed")

  const db = new Database(path, { readonly: true })
  expect(columns(db)).toContain("timeframe")
  expect(indexes(db)).toEqual(
    expect.arrayContaining(["events_symbol_time", "events_correlation", "events_type_time", "events_time"]),
  )
  const applied = db.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8"))
  expect(applied.n).toBe(journal.entries.length)
  expect((db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal")
  db.close()
})

test("starting twice on the same file applies nothing the second time", async () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  const start = Effect.gen(function* () {
    yield* EventStore
  }).pipe(Effect.scoped, Effect.provide(EventStore.layer({ path })))
  await Effect.runPromise(start)
  await Effect.runPromise(start)
  const db = new Database(path, { readonly: true })
  const applied = db.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }
  db.close()
  // Once per migration in the journal (was a literal 2 before the dead_letters migration).
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8"))
  expect(applied.n).toBe(journal.entries.length)
})
