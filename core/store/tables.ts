/**
 * @module drizzle schema of the event store. Changes here need a migration:
 * `bunx drizzle-kit generate --config core/store/drizzle.config.ts` (commit the output).
 */
import { sql } from "drizzle-orm"
import { blob, customType, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core"
import type { StoredPayload } from "./payload-codec.ts"

/** TEXT affinity in the schema; holds JSON text, packed columns or deflated JSON bytes (payload-codec.ts). */
const payloadColumn = customType<{ data: StoredPayload; driverData: StoredPayload }>({ dataType: () => "text" })

export const events = sqliteTable(
  "events",
  {
    /** Commit order; half of the (time, seq) cursor. */
    seq: integer("seq").primaryKey(),
    id: text("id").notNull().unique(),
    type: text("type").notNull(),
    version: integer("version").notNull(),
    time: integer("time").notNull(),
    /** Copied from `payload.symbol` / `payload.timeframe` when present, for indexed queries. */
    symbol: text("symbol"),
    timeframe: text("timeframe"),
    correlationId: text("correlation_id"),
    source: text("source").notNull(),
    /** The payload as JSON text, or bytes for the bulky market types (payload-codec.ts). */
    payload: payloadColumn("payload").notNull(),
    storedAt: integer("stored_at").notNull(),
  },
  (t) => [
    index("events_time").on(t.time),
    index("events_type_time").on(t.type, t.time),
    // Partial: most events have neither, so these cost nothing on the hot insert path for them.
    index("events_symbol_time").on(t.symbol, t.time).where(sql`${t.symbol} IS NOT NULL`),
    index("events_correlation").on(t.correlationId).where(sql`${t.correlationId} IS NOT NULL`),
  ],
)

/**
 * Recorded market inputs (order books, trade batches, tickers, candles, derivatives, the served
 * set): about nine in ten rows of a recording store. They get a lean table of their own, because
 * the `events` row costs ≈200 B before its payload (id and its unique index, the type, symbol and
 * time indexes, stored_at), more than a compact book. Here a row is its payload plus a few
 * columns and one time index: readers page these rows by (time, seq) and scan for a symbol
 * (a replay of one symbol reads its range once). Seqs come from the same counter as `events`,
 * so the two tables merge into one commit order. Not deduplicated by id: market inputs are
 * published once and recorded once (nothing re-publishes them), and readers drop a repeated id.
 */
export const marketEvents = sqliteTable(
  "market_events",
  {
    seq: integer("seq").primaryKey(),
    time: integer("time").notNull(),
    type: text("type").notNull(),
    symbol: text("symbol"),
    id: text("id").notNull(),
    version: integer("version").notNull(),
    source: text("source").notNull(),
    /** Packed columns, deflated JSON or JSON text, as payload-codec.ts encodes market payloads. */
    payload: payloadColumn("payload").notNull(),
  },
  (t) => [index("market_events_time").on(t.time)],
)

/**
 * Folded market inputs (fold.ts, market-blocks.ts): a symbol's books, trade batches, tickers and
 * derivatives between two other market events, at most a minute and 1 000 events, in one row.
 * `market_events` rows move here once older than a minute, so a replay reads one row per symbol
 * per stretch. `seq` is the block's first event's (blocks of one symbol never overlap, and their
 * seqs come from the shared counter); `time` and `last_time` bound its events' times, so range
 * reads and tiering pick blocks by time without opening them.
 */
export const marketBlocks = sqliteTable(
  "market_blocks",
  {
    seq: integer("seq").primaryKey(),
    lastSeq: integer("last_seq").notNull(),
    time: integer("time").notNull(),
    lastTime: integer("last_time").notNull(),
    symbol: text("symbol").notNull(),
    count: integer("count").notNull(),
    /** The block's lead: every event's header and every payload but the superseded books' (market-blocks.ts). */
    payload: blob("payload", { mode: "buffer" }).notNull(),
    /**
     * The superseded books' payloads (null: none, or a block written before the split). Last in
     * the row, so SQLite reads its overflow pages only for a query that selects it: a replay's
     * read does not (block-read.ts), `/v1/events` and tiering do.
     */
    books: blob("books", { mode: "buffer" }),
  },
  (t) => [index("market_blocks_time").on(t.time), index("market_blocks_last_time").on(t.lastTime)],
)

/**
 * The bus's dead-letter queue, kept across restarts. AUTOINCREMENT so a seq is never reused
 * after a replay removed the newest entries: readers page the queue by seq.
 */
export const deadLetters = sqliteTable("dead_letters", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  subscriber: text("subscriber").notNull(),
  eventId: text("event_id").notNull(),
  eventType: text("event_type").notNull(),
  /** The whole event as JSON, replayed as it was. */
  event: text("event").notNull(),
  error: text("error").notNull(),
  attempts: integer("attempts").notNull(),
  time: integer("time").notNull(),
})
