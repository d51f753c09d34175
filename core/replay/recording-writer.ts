/**
 * @module Writes a packed recording file (format version 3) as the events arrive, in the store's
 * own forms, so one decoder reads both (recording-packed.ts says how it is read):
 *
 * - a symbol's books, trade batches, tickers and derivatives go into a block
 *   (`core/store/market-blocks.ts`, payloads packed as the store packs them): a block frame with
 *   the block's lead, and after it a books frame with its tail (the books a later book of the
 *   block supersedes) if it has one, which a replay passes over unread. A block is closed as the store's
 *   fold closes one: at any other market event (a candle, backfill, the served set), which closes
 *   every open block, or at `BLOCK_EVENTS` events or `BLOCK_SPAN_MS` of event time, which here
 *   closes every open block too and writes a cut — so what lies between two cuts or plain events
 *   holds exactly the seqs between them, and a reader puts it in commit order without looking
 *   further;
 * - every other event is a plain frame of its own, its payload in the store's form too.
 *
 * Each `append` writes what it closed before returning: a recorder killed later leaves a file that
 * replays everything up to the last closed block — what is lost is the books and trades since the
 * last candle, which no score has read yet.
 */
import { closeSync, openSync, writeSync } from "node:fs"
import type { VirtuosoEvent } from "../events/index.ts"
import {
  BLOCK_EVENTS,
  BLOCK_SPAN_MS,
  ByteWriter,
  encodeBlock,
  encodePayload,
  isBlockType,
  type MarketRow,
} from "../store/index.ts"
import { FRAME_BLOCK, FRAME_BOOKS, FRAME_CUT, FRAME_EVENT, FRAME_HEADER, frameOf, MAGIC } from "./recording-frames.ts"
import type { RecordingHeader } from "./recording-file.ts"

/** The version written. */
export const PACKED_VERSION = 3
export const TEXT = 0
const BYTES = 1

interface Open {
  readonly rows: Array<MarketRow>
  min: number
  max: number
}

const symbolOf = (payload: unknown): string | null => {
  const symbol = (payload as { readonly symbol?: unknown } | null)?.symbol
  return typeof symbol === "string" ? symbol : null
}

const utf8 = new TextEncoder()
const body = new ByteWriter()
const EMPTY = new Uint8Array(0)

/** A plain event's frame body: seq, time, type, version, id, source, symbol, payload form and bytes. */
const eventBody = (row: MarketRow): Uint8Array => {
  const w = body.reset()
  w.uvarint(row.seq)
  w.svarint(row.time)
  w.string(row.type)
  w.uvarint(row.version)
  w.string(row.id)
  w.string(row.source)
  w.byte(row.symbol === null ? 0 : 1)
  if (row.symbol !== null) w.string(row.symbol)
  w.byte(typeof row.payload === "string" ? TEXT : BYTES)
  w.bytes(typeof row.payload === "string" ? utf8.encode(row.payload) : row.payload)
  return w.finish()
}

/**
 * A block's frames: the block frame (first seq, base time, symbol, event count, the lead, the
 * tail's length: 0 if none) and the books frame holding the tail.
 */
const blockFrames = (symbol: string, block: Open, out: Array<Uint8Array>): void => {
  const { lead, tail } = encodeBlock(block.rows, block.min)
  const w = body.reset()
  w.uvarint(block.rows[0]!.seq)
  w.svarint(block.min)
  w.string(symbol)
  w.uvarint(block.rows.length)
  w.bytes(lead)
  w.uvarint(tail === null ? 0 : tail.length)
  out.push(frameOf(FRAME_BLOCK, w.finish()))
  if (tail !== null) out.push(frameOf(FRAME_BOOKS, tail))
}

export class RecordingWriter {
  private readonly fd: number
  private readonly open = new Map<string, Open>()
  private pending: Array<Uint8Array> = []
  private seq = 0
  /** Bytes written so far. */
  bytes = 0

  /** Creates (or replaces) the file and writes its magic, version and header. */
  constructor(path: string, header: Omit<RecordingHeader, "version">) {
    this.fd = openSync(path, "w")
    this.pending.push(MAGIC, new Uint8Array([PACKED_VERSION]))
    this.pending.push(frameOf(FRAME_HEADER, utf8.encode(JSON.stringify({ ...header, version: PACKED_VERSION }))))
    this.flush()
  }

  /** Events written so far. */
  get events(): number {
    return this.seq
  }

  /** Takes the next events (recording order) and writes every frame they close. */
  append(events: Iterable<VirtuosoEvent>): void {
    for (const event of events) this.add(event)
    this.flush()
  }

  /** Writes the open blocks and closes the file. */
  close(): void {
    try {
      this.closeBlocks()
      this.flush()
    } finally {
      closeSync(this.fd)
    }
  }

  private add(event: VirtuosoEvent): void {
    const symbol = symbolOf(event.payload)
    const row: MarketRow = {
      seq: ++this.seq,
      time: event.time,
      type: event.type,
      symbol,
      id: event.id,
      version: event.version,
      source: event.source,
      payload: encodePayload(event),
    }
    if (symbol === null || !isBlockType(event.type)) {
      this.closeBlocks()
      this.pending.push(frameOf(FRAME_EVENT, eventBody(row)))
      return
    }
    let block = this.open.get(symbol)
    if (
      block !== undefined &&
      (block.rows.length >= BLOCK_EVENTS ||
        Math.max(block.max, row.time) - Math.min(block.min, row.time) > BLOCK_SPAN_MS)
    ) {
      this.closeBlocks()
      this.pending.push(frameOf(FRAME_CUT, EMPTY))
      block = undefined
    }
    if (block === undefined) this.open.set(symbol, (block = { rows: [], min: row.time, max: row.time }))
    block.rows.push(row)
    if (row.time < block.min) block.min = row.time
    if (row.time > block.max) block.max = row.time
  }

  private closeBlocks(): void {
    for (const [symbol, block] of this.open) blockFrames(symbol, block, this.pending)
    this.open.clear()
  }

  private flush(): void {
    if (this.pending.length === 0) return
    const out = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending)
    this.pending = []
    let at = 0
    while (at < out.length) at += writeSync(this.fd, out, at, out.length - at)
    this.bytes += out.length
  }
}
