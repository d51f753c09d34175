import { afterEach, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore, layerEventPipeline } from "../../../core/store/index.ts"

const dirs: Array<string> = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "virtuoso-store-"))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const signal = (symbol: string, correlationId?: string) =>
  makeEvent("signal.emitted", { symbol, direction: "long", score: 80 }, { source: "test", correlationId })

test("a durable publish is committed before it resolves and is queryable by symbol", async () => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  const result = await Effect.runPromise(
    Effect.gen(function* () {
      const bus = yield* EventBus
      const store = yield* EventStore
      const a = yield* signal("BTC/USDT", "c1")
      const b = yield* signal("ETH/USDT")
      yield* bus.publishAll([a, b])
      // Read through a second connection: committed means visible to another reader.
      const other = new Database(path, { readonly: true })
      const ids = other.query("SELECT id FROM events ORDER BY seq").all() as Array<{ id: string }>
      other.close()
      const bySymbol = yield* store.query({ symbol: "ETH/USDT" })
      const byCorrelation = yield* store.query({ correlationId: "c1" })
      return { ids: ids.map((r) => r.id), expected: [a.id, b.id], bySymbol, byCorrelation, a, b }
    }).pipe(Effect.provide(layerEventPipeline({ path }))),
  )
  expect(result.ids).toEqual(result.expected)
  expect(result.bySymbol.events.map((e) => e.id)).toEqual([result.b.id])
  expect(result.byCorrelation.events.map((e) => e.id)).toEqual([result.a.id])
})
