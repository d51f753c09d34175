/**
 * Dead letters `EventStore.replay` queued (stored events that did not decode) can be re-delivered
 * and discarded over HTTP, on the real pipeline (SQLite file store, bus, Hono app): a letter an
 * earlier build queued whose event this build decodes reaches the bus's subscribers and leaves the
 * queue and the store; one that still does not decode stays, with the decode error as the reason,
 * until it is discarded.
 */
import { Database } from "bun:sqlite"
import { expect, test } from "bun:test"
import { Deferred, Effect } from "effect"
import { join } from "node:path"
import { EventBus, type VirtuosoEvent } from "../../../core/events/index.ts"
import { makeApp } from "../../../core/http/app.ts"
import { depsFrom } from "../../../core/http/bridge.ts"
import { EventStore, REPLAY_DEAD_LETTERS } from "../../../core/store/index.ts"
import { runPipeline, signalAt, tempDir } from "./support.ts"

const post = async (app: ReturnType<typeof makeApp>, path: string, ids: ReadonlyArray<string>) => {
  const res = await app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ids }),
  })
  return { status: res.status, body: await res.json() }
}

test("store:replay letters are re-delivered once they decode, kept with the reason until then, discarded", async () => {
  const path = join(tempDir(), "events.db")
  // First run: three signals stored; one row then made unreadable (its score is text).
  const stored = await runPipeline(
    Effect.gen(function* () {
      const events = yield* Effect.forEach([10, 20, 30], (t) => signalAt(t))
      yield* (yield* EventBus).publishAll(events)
      return events
    }),
    { path },
  )
  const db = new Database(path)
  db.query("UPDATE events SET payload = ? WHERE id = ?").run(
    JSON.stringify({ symbol: "BTC/USDT", direction: "long", score: "high" }),
    stored[1]!.id,
  )
  db.close()
  // Second run: the replay dead-letters the bad row; a letter an earlier build queued for an
  // event this build reads (as after an upgrade) sits beside it.
  const old: VirtuosoEvent = { ...stored[2]!, id: "older-build-1" }
  await runPipeline(
    Effect.gen(function* () {
      const bus = yield* EventBus
      yield* bus.deadLetters.add(REPLAY_DEAD_LETTERS, old, "signal.emitted version 0 is not one this build reads")
      yield* (yield* EventStore).replay({ from: 0, to: 100 })
    }),
    { path },
  )
  // Third run: over HTTP.
  const r = await runPipeline(
    Effect.gen(function* () {
      const bus = yield* EventBus
      const store = yield* EventStore
      const got: Array<{ id: string; replayed: boolean }> = []
      const one = yield* Deferred.make<void>()
      yield* bus.subscribe(
        "signal.emitted",
        (e) =>
          Effect.sync(() => got.push({ id: e.id, replayed: e.replayed === true })).pipe(
            Effect.andThen(Deferred.succeed(one, undefined)),
          ),
        { name: "backtest" },
      )
      const app = makeApp(yield* depsFrom({ bus, store }))
      const letters = yield* bus.deadLetters.list({ subscriber: REPLAY_DEAD_LETTERS })
      const ids = letters.map((l) => String(l.seq))
      const replay = yield* Effect.promise(() => post(app, "/v1/dlq/replay", [...ids, "999"]))
      yield* Deferred.await(one)
      const left = (yield* bus.deadLetters.list()).map((l) => l.event.id)
      const discard = yield* Effect.promise(() => post(app, "/v1/dlq/discard", ids))
      return { letters, ids, replay, got, left, discard, after: yield* bus.deadLetters.list() }
    }),
    { path },
  )
  expect(r.letters.map((l) => l.event.id)).toEqual([old.id, stored[1]!.id])
  const [oldSeq, badSeq] = r.ids
  expect(r.replay.status).toBe(200)
  expect(r.replay.body.replayed).toEqual([oldSeq])
  expect(r.replay.body.missing).toEqual(["999"])
  expect(r.replay.body.kept.map((k: { id: string }) => k.id)).toEqual([badSeq])
  expect(r.replay.body.kept[0].reason).toContain("score")
  expect(r.got).toEqual([{ id: old.id, replayed: true }])
  expect(r.left).toEqual([stored[1]!.id])
  expect(r.discard.body).toEqual({ discarded: [badSeq], missing: [oldSeq] })
  expect(r.after).toEqual([])
  // Both removals reached the store: a fourth run finds no letters.
  const fourth = await runPipeline(
    Effect.flatMap(EventBus, (bus) => bus.deadLetters.list()),
    { path },
  )
  expect(fourth).toEqual([])
})
