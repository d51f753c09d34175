/**
 * @module core/store — the event store: drizzle + bun:sqlite hot tier, day-file warm tier, query, replay.
 *
 * @example
 * ```ts
 * // main: the bus persists durable events through the store before dispatching them.
 * const events = layerEventPipeline({ path: "data/events.db" })
 * // GET /v1/events: validate with `EventQuery`, then
 * const page = yield* (yield* EventStore).query({ type: "signal.emitted", symbol: "BTC/USDT", limit: 50 })
 * // page.events, page.nextCursor → pass back as `cursor`
 * yield* (yield* EventStore).replay({ from, to }) // through the bus, flagged `replayed`
 * ```
 * `layerEventPipeline` (or `EventStore.layerSink`) also keeps the bus's dead-letter queue in the
 * `dead_letters` table, so `bus.deadLetters.list()` / `replay()` see entries from earlier runs;
 * `redeliver(bus, seqs)` re-delivers any letter, the stored events `replay` could not decode too.
 */
export {
  EventStore,
  layerEventPipeline,
  REPLAY_DEAD_LETTERS,
  type ScanOptions,
  type ScanRange,
  type StoreStats,
} from "./event-store.ts"
export { EventStoreError } from "./errors.ts"
export type { StoreOptions } from "./options.ts"
export { EventQuery, type EventPage, type StoredEvent } from "./schema.ts"

export { MIGRATIONS_DIR } from "./database.ts"
export { RecorderLive, recordInto } from "./recorder.ts"
export { redeliver } from "./redeliver.ts"
export { storedCount, storedSymbol } from "./stored-row.ts"
// The store's block and payload forms, for a recording file that carries the same bytes
// (core/replay/recording-packed.ts): one encoder and one decoder for both.
export { blockEvents } from "./block-read.ts"
export { BLOCK_EVENTS, BLOCK_SPAN_MS } from "./fold.ts"
export { encodeBlock } from "./block-encode.ts"
export { isBlockType, type MarketRow } from "./market-blocks.ts"
export { ByteReader, ByteWriter } from "./packed-bytes.ts"
export { PACKED } from "./packed-market.ts"
export { encodePayload } from "./payload-codec.ts"
export { eventOf as storedEventOf } from "./stored-row.ts"
