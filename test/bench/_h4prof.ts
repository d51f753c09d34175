import { Effect, Layer } from "effect"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../core/events/index.ts"
const N = 1_000_000
const subs = Number(process.env.SUBS ?? 4)
const events: Array<VirtuosoEvent> = Effect.runSync(Effect.forEach(Array.from({ length: N }, (_, i) => i), (i) => makeEvent("market.ticker", { symbol: "B", time: i, last: i }, { source: "b" })))
for (let r = 0; r < Number(process.env.REPS ?? 3); r++) {
  const rate = await Effect.gen(function* () {
    const bus = yield* EventBus
    for (let s = 0; s < subs; s++) yield* bus.subscribe("market.ticker", () => Effect.void, { name: `s${s}` })
    const t0 = performance.now()
    for (let i = 0; i < N; i += 1000) yield* bus.publishAll(events.slice(i, i + 1000))
    const t1 = performance.now()
    yield* bus.drain("60 seconds")
    const dt = performance.now() - t0
    return `${(N / dt * 1000 / 1e6).toFixed(2)} M/s (publish part ${(t1 - t0).toFixed(0)} ms, total ${dt.toFixed(0)} ms)`
  }).pipe(Effect.scoped, Effect.provide(Layer.fresh(EventBus.layerWith({ dedupWindow: process.env.NODEDUP ? 0 : "60 seconds" }))), Effect.runPromise)
  console.log(rate, (globalThis as any).__parks); (globalThis as any).__parks = 0
}
