/**
 * @module Reads a packed recording file (format version 2, written by recording-writer.ts): the
 * frames (recording-frames.ts) after the header hold the store's own forms, read by the store's
 * own decoders — a block frame is a `market_blocks` row (seq, base time, symbol, count and the
 * block bytes), read as a replay from the store reads one (`blockEvents`: `coalesced`, only its
 * last book decoded and its trade batches merged); a plain frame is a `market_events` row.
 *
 * The blocks between two plain frames or cuts hold exactly the seqs between them, so they go out
 * merged by seq when the stretch ends, in the order the store would hand them out.
 *
 * A plain frame whose payload is JSON is checked against the catalogue's schemas (packed payloads
 * are typed by the decoder that builds them); a type or version this build does not read is an
 * error naming both, and so is a frame the decoders reject, with its byte offset.
 */
import { decodeEvent, EVENT_CATALOGUE, isEventType, type VirtuosoEvent } from "../events/index.ts"
import { blockEvents, ByteReader, PACKED, type StoredEvent, storedEventOf } from "../store/index.ts"
import { ReplayInputError } from "./errors.ts"
import { damaged, FRAME_BLOCK, FRAME_CUT, FRAME_EVENT, type Frame } from "./recording-frames.ts"
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

const blockOf = (path: string, frame: Frame, coalesced: boolean): ReadonlyArray<StoredEvent> =>
  decoding(path, frame, () => {
    const r = new ByteReader(frame.body)
    const seq = r.uvarint()
    const time = r.svarint()
    const symbol = r.string()
    const count = r.uvarint()
    const length = r.uvarint()
    const at = r.skip(length)
    if (!r.done) throw new Error("bytes left after the block")
    // A copy, as SQLite hands out a block row's: the frame's bytes are the file reader's to reuse.
    const events = blockEvents({ seq, time, symbol, count, payload: copyOf(frame.body, at, length) }, {}, coalesced)
    for (const e of events) versionCheck(path, frame.offset, e.type, e.version)
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

/** The events of a packed recording's frames (after its header), in recording order. */
export function* packedEvents(frames: Iterator<Frame>, path: string, coalesced: boolean): Generator<VirtuosoEvent> {
  // The current stretch's block events, merged by seq when it ends.
  let stretch: Array<StoredEvent> = []
  const ended = (): Array<StoredEvent> => {
    const out = stretch
    stretch = []
    return out.length < 2 ? out : out.sort((a, b) => a.seq - b.seq)
  }
  for (let next = frames.next(); next.done !== true; next = frames.next()) {
    const frame = next.value
    if (frame.kind === FRAME_BLOCK) {
      for (const e of blockOf(path, frame, coalesced)) stretch.push(e)
      continue
    }
    if (frame.kind === FRAME_CUT) {
      yield* ended()
      continue
    }
    if (frame.kind !== FRAME_EVENT) throw damaged(path, frame.offset, `unknown frame kind ${frame.kind}`)
    const event = eventOf(path, frame)
    yield* ended()
    yield event
  }
  yield* ended()
}
