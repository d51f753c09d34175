/** The hot write path: seqs numbered after the top, duplicates skipped exactly, bad rows fail the batch. */
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { join } from "node:path"
import { makeEvent, type VirtuosoEvent } from "../../../core/events/index.ts"
import { openStoreDatabase } from "../../../core/store/database.ts"
import { tempDir } from "./support.ts"

const signals = (n: number) =>
  Effect.runSync(
    Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) => makeEvent("signal.emitted", { symbol: `S${i % 3}`, direction: "long", score: i }, { source: "test" }),
    ),
  )

test("duplicates (earlier or in the same batch) are skipped and reported; seqs follow commit order", () => {
  const db = openStoreDatabase(join(tempDir(), "events.db"), "NORMAL")
  const [a, b, c, d, e] = signals(5)
  const first = db.append([a, b, c], 1)
  expect(first.events.map((x) => x.id)).toEqual([a.id, b.id, c.id])
  expect(first.seqs).toEqual([1, 2, 3])
  const second = db.append([b, d, a, d, e], 2)
  expect(second.events.map((x) => x.id)).toEqual([d.id, e.id])
  expect(second.seqs[0]).toBeGreaterThan(3)
  expect(second.seqs[1]).toBeGreaterThan(second.seqs[0])
  // A batch larger than one statement with a duplicate in its second statement.
  const many = signals(450)
  const third = db.append([...many.slice(0, 300), a, ...many.slice(300)], 3)
  expect(third.events.map((x) => x.id)).toEqual(many.map((x) => x.id))
  expect(new Set(third.seqs).size).toBe(450)
  const rows = db.sqlite.query<{ id: string; seq: number }, []>("SELECT id, seq FROM events ORDER BY seq").all()
  expect(rows.map((r) => r.id)).toEqual([a.id, b.id, c.id, d.id, e.id, ...many.map((x) => x.id)])
  expect(rows.slice(5).map((r) => r.seq)).toEqual([...third.seqs])
  db.close()
})

test("a row that breaks another constraint fails the whole batch instead of passing for a duplicate", () => {
  const db = openStoreDatabase(join(tempDir(), "events.db"), "NORMAL")
  const [a, b] = signals(2)
  const broken = { ...b, source: undefined } as unknown as VirtuosoEvent
  expect(() => db.append([a, broken], 1)).toThrow("violates a constraint")
  expect(db.count()).toBe(0)
  db.close()
})

test("seqs never go back, even after tiering removed the newest rows", () => {
  const db = openStoreDatabase(join(tempDir(), "events.db"), "NORMAL")
  const first = db.append(signals(3), 1)
  db.sqlite.exec("DELETE FROM events")
  const next = db.append(signals(1), 2)
  expect(next.seqs[0]).toBeGreaterThan(first.seqs[2])
  db.close()
})
