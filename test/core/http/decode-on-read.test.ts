/**
 * Reads of the real event store over HTTP decode every stored event with the catalogue schema:
 * a row that does not decode is left out of `/v1/events` and the signal history and lands once in
 * the bus's DLQ with the decode error; the page cursor stays the store's.
 */
import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { AppConfig } from "../../../core/config/index.ts"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../../core/events/index.ts"
import { HttpServer, HttpServerLive } from "../../../core/http/index.ts"
import { HTTP_READ_DEAD_LETTERS } from "../../../core/http/stored-events.ts"
import { EventStore, layerEventPipeline } from "../../../core/store/index.ts"
import { open } from "./open-layer.ts"

describe("stored events are decoded before HTTP serves them", () => {
  test("an undecodable signal row is skipped by /v1/events and /v1/signals and dead-lettered once", async () => {
    const sources = Effect.all({ store: EventStore, bus: EventBus, config: AppConfig })
    const server = await open(
      HttpServerLive.over(sources).pipe(
        Layer.provideMerge(
          Layer.mergeAll(AppConfig.layerFrom({ http: { port: 0 } }), layerEventPipeline({ path: ":memory:" })),
        ),
      ),
    )
    const get = <S>(key: { key: string }) => server.context.mapUnsafe.get(key.key) as S
    const url = get<HttpServer["Service"]>(HttpServer).url
    const store = get<EventStore["Service"]>(EventStore)
    const bus = get<EventBus["Service"]>(EventBus)
    try {
      const signal = (score: number) =>
        makeEvent("signal.emitted", { symbol: "BTC/USDT", direction: "long", score }, { source: "test" })
      const [first, last] = await Effect.runPromise(Effect.all([signal(71), signal(73)]))
      // Written as another version (or a hand edit) could have left it: the score is not a number.
      const broken = await Effect.runPromise(signal(72))
      const bad = { ...broken, payload: { ...broken.payload, score: "high" } } as unknown
      await Effect.runPromise(store.append([first!, bad as VirtuosoEvent, last!]))

      const events = await fetch(new URL("/v1/events?type=signal.emitted", url)).then((r) => r.json())
      expect(events.items.map((e: { id: string }) => e.id)).toEqual([first!.id, last!.id])
      const signals = await fetch(new URL("/v1/signals", url)).then((r) => r.json())
      expect(signals.items.map((s: { id: string }) => s.id).sort()).toEqual([first!.id, last!.id].sort())

      const letters = await Effect.runPromise(bus.deadLetters.list())
      expect(letters).toHaveLength(1)
      expect(letters[0]).toMatchObject({ subscriber: HTTP_READ_DEAD_LETTERS, event: { id: broken.id } })
      expect(letters[0]!.error).toContain("score")
    } finally {
      await server.close()
    }
  })
})
