/** @module core/store — the event store: drizzle + bun:sqlite hot tier, day-file warm tier, query, replay. */
export { EventStore, layerEventPipeline, type StoreStats, type ReplayOptions } from "./event-store.ts"
export { EventStoreError } from "./errors.ts"
export type { StoreOptions } from "./options.ts"
export { EventQuery, type EventQueryInput, type EventQueryParsed, type EventPage, type StoredEvent } from "./schema.ts"
export type { CompactResult } from "./tiers.ts"
export { MIGRATIONS_DIR } from "./database.ts"
