/**
 * @module Reads a packed recording file (format versions 2 and 3, written by recording-writer.ts):
 * the frames (recording-frames.ts) after the header hold the store's own forms, read by the
 * store's own decoders — a block frame is a `market_blocks` row (seq, base time, symbol, count and
 * the block bytes), read as a replay from the store reads one (`blockEvents`: `coalesced`, only its
 * last book decoded and its trade batches merged); a plain frame is a `market_events` row.
 *
 * In version 3 a block frame holds the block's lead and the length of its tail (the superseded
 * books, core/store/market-blocks.ts), and a books frame of exactly that length, holding the tail,
 * follows it. A replay (`coalesced`) passes over books frames: their kind and length are checked
 * against the block frame before them (so the frames after them are where the file says), their
 * body and checksum are not read — nothing in them reaches a score. A read of every event reads
 * and checks them. Every other frame's checksum is checked before it is used. A block frame whose
 * books frame the file cuts short is cut short with it.
 *
 * The blocks between two plain frames or cuts hold exactly the seqs between them, so they go out
 * merged by seq when the stretch ends, in the order the store would hand them out.
 *
 * A plain frame whose payload is JSON is checked against the catalogue's schemas (packed payloads
 * are typed by the decoder that builds them), and so is a block's payload in JSON form (the block
 * read checks it, `blockEvents`); a type or version this build does not read is an error naming
 * both, and so is a frame the decoders reject, with its byte offset.
 */
import { decodeEvent, EVENT_CATALOGUE, isEventType, type VirtuosoEvent } from "../events/index.ts"
import { blockEvents, ByteReader, PACKED, type StoredEvent, storedEventOf } from "../store/index.ts"
import { ReplayInputError } from "./errors.ts"
import {
  damaged,
  FRAME_BLOCK,
  FRAME_BOOKS,
  FRAME_CUT,
  FRAME_EVENT,
  type Frame,
  FRAME_OVERHEAD,
  type RecordingTail,
} from "./recording-frames.ts"
import { faultOf } from "./recording-lines.ts"
import { TEXT } from "./recording-writer.ts"

const text = new TextDecoder()

/** `bytes[at..at+length)` in a buffer of its own (a frame's body is a Buffer, whose `slice` is a view). */
const copyOf = (bytes: Uint8Array, at: number, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  out.set(bytes.subarray(at, at + length))
  return out
}

const versionCheck = (path: string, offset: number, type: string, version: number): void => {
  if (!isEventType(type)) throw damaged(path, offset, `unknown event type "${type}"`)
  const reads = EVENT_CATALOGUE[type].version
  if (version !== reads)
    throw new ReplayInputError({
      message:
        `${path}: frame at byte ${offset}: ${type} version ${version} is not one this build reads ` +
        `(it reads version ${reads})`,
    })
}

/** Runs a decoder on a frame; what it throws becomes an error naming the frame. */
const decoding = <A>(path: string, frame: Frame, read: () => A): A => {
  try {
    return read()
  } catch (e) {
    if (e instanceof ReplayInputError) throw e
    throw damaged(path, frame.offset, e instanceof Error ? e.message : String(e))
  }
}

/** A block frame read: the row, and the length of the tail its books frame must hold (0: none follows). */
interface BlockFrame {
  readonly seq: number
  readonly time: number
  readonly symbol: string
  readonly count: number
  readonly lead: Uint8Array
  readonly tailLength: number
  readonly frame: Frame
}

const blockFrameOf = (path: string, frame: Frame, split: boolean): BlockFrame =>
  decoding(path, frame, () => {
    const r = new ByteReader(frame.body)
    const seq = r.uvarint()
    const time = r.svarint()
    const symbol = r.string()
    const count = r.uvarint()
    const length = r.uvarint()
    const at = r.skip(length)
    const tailLength = split ? r.uvarint() : 0
    if (!r.done) throw new Error("bytes left after the block")
    // A copy, as SQLite hands out a block row's: the frame's bytes are the file reader's to reuse.
    return { seq, time, symbol, count, lead: copyOf(frame.body, at, length), tailLength, frame }
  })

const blockOf = (
  path: string,
  block: BlockFrame,
  books: Uint8Array | undefined,
  coalesced: boolean,
): ReadonlyArray<StoredEvent> =>
  decoding(path, block.frame, () => {
    const { seq, time, symbol, count, lead } = block
    const events = blockEvents({ seq, time, symbol, count, payload: lead, books }, {}, coalesced)
    for (const e of events) versionCheck(path, block.frame.offset, e.type, e.version)
    return events
  })

const eventOf = (path: string, frame: Frame): StoredEvent =>
  decoding(path, frame, () => {
    const r = new ByteReader(frame.body)
    const seq = r.uvarint()
    const time = r.svarint()
    const type = r.string()
    const version = r.uvarint()
    const id = r.string()
    const source = r.string()
    const symbol = r.byte() === 1 ? r.string() : null
    const isText = r.byte() === TEXT
    const length = r.uvarint()
    const at = r.skip(length)
    if (!r.done) throw new Error("bytes left after the event")
    versionCheck(path, frame.offset, type, version)
    const bytes = copyOf(frame.body, at, length)
    const payload = isText ? text.decode(bytes) : bytes
    const event = storedEventOf({ seq, id, type, version, time, symbol, source, payload })
    // JSON (text or deflated) can hold anything: checked as a line of a JSON-lines file is.
    if (isText || bytes[0] !== PACKED) {
      const checked = decodeEvent(event)
      if (!checked.ok)
        throw new ReplayInputError({
          message:
            `${path}: frame at byte ${frame.offset}: ${type} version ${version}: ` +
            (faultOf(event) ?? checked.error.split("\n")[0]),
        })
    }
    return event
  })

/**
 * The events of a packed recording's frames (after its header), in recording order. `split`:
 * version 3 (block frames say the length of the books frame after them).
 */
export function* packedEvents(
  frames: Iterator<Frame>,
  path: string,
  coalesced: boolean,
  split: boolean,
  tail: RecordingTail,
): Generator<VirtuosoEvent> {
  // The current stretch's block events, merged by seq when it ends.
  let stretch: Array<StoredEvent> = []
  const ended = (): Array<StoredEvent> => {
    const out = stretch
    stretch = []
    return out.length < 2 ? out : out.sort((a, b) => a.seq - b.seq)
  }
  // A block frame waiting for its books frame.
  let waiting: BlockFrame | undefined
  for (let next = frames.next(); next.done !== true; next = frames.next()) {
    const frame = next.value
    if (waiting !== undefined) {
      if (frame.kind !== FRAME_BOOKS)
        throw damaged(path, frame.offset, `expected the books of the block frame at byte ${waiting.frame.offset}`)
      if (frame.length !== waiting.tailLength)
        throw damaged(path, frame.offset, `books of ${frame.length} bytes where the block says ${waiting.tailLength}`)
      const books = frame.read ? copyOf(frame.body, 0, frame.length) : undefined
      for (const e of blockOf(path, waiting, books, coalesced)) stretch.push(e)
      waiting = undefined
      continue
    }
    if (frame.kind === FRAME_BLOCK) {
      const block = blockFrameOf(path, frame, split)
      if (block.tailLength > 0) waiting = block
      else for (const e of blockOf(path, block, undefined, coalesced)) stretch.push(e)
      continue
    }
    if (frame.kind === FRAME_BOOKS) throw damaged(path, frame.offset, "a books frame with no block frame before it")
    if (frame.kind === FRAME_CUT) {
      yield* ended()
      continue
    }
    if (frame.kind !== FRAME_EVENT) throw damaged(path, frame.offset, `unknown frame kind ${frame.kind}`)
    const event = eventOf(path, frame)
    yield* ended()
    yield event
  }
  // The file ends inside the books of its last block: that block is part of the cut-short tail.
  if (waiting !== undefined) tail.skippedBytes += FRAME_OVERHEAD + waiting.frame.length
  yield* ended()
}
