/**
 * The WAL is checkpointed by the store's worker, not by the committing thread: commits far below
 * `wal_autocheckpoint` still reach the database file, and closing the store stops the worker so
 * the file closes cleanly and opens again with every row.
 */
import { Database } from "bun:sqlite"
import { expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { statSync } from "node:fs"
import { join } from "node:path"
import { makeEvent } from "../../../core/events/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { eventually } from "../../support/eventually.ts"
import { tempDir } from "./support.ts"

test("commits below the autocheckpoint threshold reach the database file; close stops the worker", async () => {
  const path = join(tempDir(), "events.db")
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(EventStore.layer({ path }), scope))
  const store = Context.get(context, EventStore)
  const before = statSync(path).size
  const events = await Effect.runPromise(
    Effect.forEach(
      Array.from({ length: 2000 }, (_, i) => i),
      (i) =>
        makeEvent("signal.emitted", { symbol: `S${i % 50}`, direction: "long", score: i % 100 }, { source: "test" }),
    ),
  )
  await Effect.runPromise(store.append(events))
  // 2,000 small rows are a few hundred WAL pages, far below the writer's own 4,096-page threshold.
  const wal = statSync(`${path}-wal`).size
  expect(wal).toBeGreaterThan(0)
  expect(wal).toBeLessThan(4096 * 8192)
  await eventually(
    "the WAL copied into the database file",
    () => statSync(path).size,
    (size) => size > before + 100_000,
  )
  await Effect.runPromise(Scope.close(scope, Exit.void))
  const reopened = new Database(path, { readonly: true })
  expect(reopened.query<{ n: number }, []>("SELECT count(*) AS n FROM events").get()?.n).toBe(2000)
  reopened.close()
})
