/**
 * @module The frames of a packed recording file (format versions 2 and 3, recording-packed.ts says
 * what they carry). The file starts with `MAGIC` and the version byte, then frames back to back:
 *
 *   kind (1 byte) · body length (u32 LE) · body · CRC-32 of kind, length and body (u32 LE)
 *
 * A reader may pass over the frames of one kind (a replay, the superseded books of version 3):
 * their kind and length are read, their body and checksum are not (the frame before them says
 * what they must be, recording-packed.ts).
 *
 * A recorder writes whole frames and appends only, so a file cut short (killed mid-write) ends in
 * a partial frame: the reader stops before it and counts its bytes. A complete frame whose
 * checksum does not match, an impossible length or an unknown kind is damage, reported with the
 * frame's byte offset rather than read on.
 */
import { readSync } from "node:fs"
import { ReplayInputError } from "./errors.ts"

/**
 * `\x89VREC\r\n\x1a`: a high byte first so no text file starts this way, and the line ends a copy
 * in text mode would change.
 */
export const MAGIC: Uint8Array = new Uint8Array([0x89, 0x56, 0x52, 0x45, 0x43, 0x0d, 0x0a, 0x1a])

export const FRAME_HEADER = 1
export const FRAME_BLOCK = 2
export const FRAME_EVENT = 3
export const FRAME_CUT = 4
/** Version 3: the superseded books of the block frame just before (its tail, core/store/market-blocks.ts). */
export const FRAME_BOOKS = 5

/** Kind and length before a body, checksum after it. */
export const FRAME_OVERHEAD = 9
const OVERHEAD = FRAME_OVERHEAD
/** A body larger than this is damage, not data: a block holds at most 1 000 events. */
const MAX_BODY = 64 << 20
/** Bytes read from the file at a time. */
const CHUNK = 1 << 20

/** One frame's bytes, ready to append. */
export const frameOf = (kind: number, body: Uint8Array): Uint8Array => {
  const frame = new Uint8Array(OVERHEAD + body.length)
  const view = new DataView(frame.buffer)
  frame[0] = kind
  view.setUint32(1, body.length, true)
  frame.set(body, 5)
  view.setUint32(5 + body.length, Bun.hash.crc32(frame.subarray(0, 5 + body.length)) >>> 0, true)
  return frame
}

export interface RecordingTail {
  /** Bytes after the last complete event, known once the events were read to the end. */
  skippedBytes: number
  /** Bytes read from the file so far. */
  readBytes: number
}

export interface Frame {
  readonly kind: number
  /** A view of the body, valid until the next frame is read (empty for a frame passed over). */
  readonly body: Uint8Array
  /** The body's length as the frame's header says. */
  readonly length: number
  /** Whether the body was read and its checksum matched (false: passed over). */
  readonly read: boolean
  /** Where the frame starts in the file. */
  readonly offset: number
}

const NOTHING = new Uint8Array(0)

/**
 * A file's bytes read forward a chunk at a time into one buffer, reused: what is left of a chunk
 * (the start of a frame) moves to the front and the rest is read after it. Fresh memory per chunk
 * would cost a page fault per 4 KB on every pass; a frame's bytes are the reader's to copy.
 */
export class FileBytes {
  private buf: Uint8Array = Buffer.allocUnsafe(CHUNK)
  /** Where the bytes not taken start and end in `buf`. */
  private at = 0
  private end = 0
  /** File offset of `buf[0]`. */
  private base = 0
  private eof = false

  constructor(
    private readonly fd: number,
    private readonly tail: RecordingTail,
  ) {}

  /** File offset of the next byte. */
  get offset(): number {
    return this.base + this.at
  }

  /** Bytes read but not taken. */
  get left(): number {
    return this.end - this.at
  }

  /** Whether the next `n` bytes are there (reading on as needed; false if the file ends first). */
  has(n: number): boolean {
    while (this.end - this.at < n && !this.eof) {
      const rest = this.end - this.at
      if (n > this.buf.length) {
        const grown = Buffer.allocUnsafe(n)
        grown.set(this.buf.subarray(this.at, this.end), 0)
        this.buf = grown
      } else this.buf.copyWithin(0, this.at, this.end)
      this.base += this.at
      this.at = 0
      this.end = rest
      const read = readSync(this.fd, this.buf, rest, this.buf.length - rest, null)
      this.tail.readBytes += read
      this.end += read
      if (read === 0) this.eof = true
    }
    return this.end - this.at >= n
  }

  /** Reads to the end of the file; returns how many bytes are left untaken. */
  rest(): number {
    while (!this.eof) this.has(this.left + 1)
    return this.left
  }

  /** The next `n` bytes (call `has(n)` first), as a view valid until the next `has`. */
  take(n: number): Uint8Array {
    const out = this.buf.subarray(this.at, this.at + n)
    this.at += n
    return out
  }
}

/**
 * The frames from where `bytes` is (after the magic and version) to the last complete one; the
 * bytes of a partial frame at the end go to `tail.skippedBytes`. Frames of kind `passOver` come
 * out unread (`read` false, an empty body).
 */
export function* readFrames(bytes: FileBytes, tail: RecordingTail, path: string, passOver = -1): Generator<Frame> {
  // The kind and length as written, for the checksum (`has` may move the bytes they were read from).
  const head = new Uint8Array(5)
  const headView = new DataView(head.buffer)
  while (bytes.has(OVERHEAD)) {
    const offset = bytes.offset
    head.set(bytes.take(5))
    const length = headView.getUint32(1, true)
    if (length > MAX_BODY) throw damaged(path, offset, `a frame of ${length} bytes`)
    if (!bytes.has(length + 4)) {
      tail.skippedBytes = 5 + bytes.rest()
      return
    }
    if (head[0] === passOver) {
      bytes.take(length + 4)
      yield { kind: passOver, body: NOTHING, length, read: false, offset }
      continue
    }
    const body = bytes.take(length)
    const sum = bytes.take(4)
    const expected = new DataView(sum.buffer, sum.byteOffset, 4).getUint32(0, true)
    if (Bun.hash.crc32(body, Bun.hash.crc32(head)) >>> 0 !== expected) throw damaged(path, offset, "checksum mismatch")
    yield { kind: head[0]!, body, length, read: true, offset }
  }
  tail.skippedBytes = bytes.left
}

export const damaged = (path: string, offset: number, what: string): ReplayInputError =>
  new ReplayInputError({ message: `${path}: damaged frame at byte ${offset}: ${what}` })
