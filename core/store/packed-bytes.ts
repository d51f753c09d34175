/**
 * @module The byte writer and reader of the packed payload forms (packed-market.ts): unsigned
 * and zigzag varints (small numbers take one byte, as in protobuf) and length-prefixed UTF-8
 * strings. Integers are exact up to ±2^52 (`PACKABLE`): the varints are built with arithmetic,
 * not 32-bit bit operations, above 2^28 so times and trade ids keep every digit.
 */

/** The largest magnitude a zigzag varint here carries exactly. */
export const PACKABLE = 2 ** 52

const utf8 = new TextEncoder()
const text = new TextDecoder()

// One float64 and its bytes (little-endian on every platform Bun runs on).
const float = new Float64Array(1)
const floatBytes = new Uint8Array(float.buffer)

/** A growable byte buffer, reused between payloads (`finish` copies the bytes out). */
export class ByteWriter {
  private buf = new Uint8Array(1024)
  private at = 0

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.at + n))
    grown.set(this.buf.subarray(0, this.at))
    this.buf = grown
  }

  reset(): this {
    this.at = 0
    return this
  }

  byte(b: number): void {
    this.room(1)
    this.buf[this.at++] = b
  }

  /** A non-negative integer ≤ 2^53. */
  uvarint(n: number): void {
    this.room(8)
    while (n >= 128) {
      this.buf[this.at++] = (n % 128) | 128
      n = Math.floor(n / 128)
    }
    this.buf[this.at++] = n
  }

  /** An integer of magnitude ≤ `PACKABLE`, zigzag-coded so small negatives stay small. */
  svarint(n: number): void {
    this.uvarint(n < 0 ? -2 * n - 1 : 2 * n)
  }

  string(s: string): void {
    const encoded = utf8.encode(s)
    this.uvarint(encoded.length)
    this.room(encoded.length)
    this.buf.set(encoded, this.at)
    this.at += encoded.length
  }

  /** A float64, little-endian: candle prices and volumes, carried exactly whatever their digits. */
  f64(n: number): void {
    this.room(8)
    float[0] = n
    this.buf.set(floatBytes, this.at)
    this.at += 8
  }

  /** Length-prefixed raw bytes. */
  bytes(b: Uint8Array): void {
    this.uvarint(b.length)
    this.room(b.length)
    this.buf.set(b, this.at)
    this.at += b.length
  }

  /** Raw bytes, no length: a run of payloads whose lengths are written elsewhere. */
  raw(b: Uint8Array): void {
    this.room(b.length)
    this.buf.set(b, this.at)
    this.at += b.length
  }

  /** Bytes written since the last `reset`. */
  get length(): number {
    return this.at
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at)
  }
}

const SCRATCH = 256
const scratch = Buffer.alloc(SCRATCH)
// The string the scratch buffer's first bytes spell (the last id `sharingPrefix` put together),
// and the flat prefix that id was joined from.
let scratchText = ""
let prefix = ""
/** Whether the scratch holds `previous`'s first `shared` characters (an ASCII id it made). */
const scratchHolds = (previous: string, shared: number): boolean =>
  shared === 0 || (previous === scratchText && shared <= scratchText.length)
const lengthOf = (n: number): number => {
  let bytes = 1
  while (n >= 128) {
    n = Math.floor(n / 128)
    bytes++
  }
  return bytes
}

/** Reads what `ByteWriter` wrote; any read past the end throws. */
export class ByteReader {
  /**
   * Reads `bytes[at..end)`: a payload inside a larger buffer is read in place, since a view
   * (`subarray`) per payload costs more than decoding a small one.
   */
  constructor(
    private bytes: Uint8Array,
    public at = 0,
    private end = bytes.length,
  ) {}

  /** Reads `bytes[at..end)` from now on: one reader serves many small payloads. */
  reset(bytes: Uint8Array, at: number, end: number): this {
    this.bytes = bytes
    this.at = at
    this.end = end
    return this
  }

  get done(): boolean {
    return this.at === this.end
  }

  /** Bytes not read yet. */
  get left(): number {
    return this.end - this.at
  }

  byte(): number {
    if (this.at >= this.end) throw new Error("stored payload: truncated packed bytes")
    return this.bytes[this.at++]!
  }

  uvarint(): number {
    let b = this.byte()
    if (b < 128) return b
    let n = b & 127
    let scale = 128
    do {
      b = this.byte()
      n += (b & 127) * scale
      scale *= 128
    } while (b >= 128)
    return n
  }

  svarint(): number {
    const z = this.uvarint()
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }

  /** The bytes as a DataView (positions as `skip` returns them): a column of float64s read in place. */
  dataView(): DataView {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  }

  /** Moves past the next `n` bytes; returns where they start. */
  skip(n: number): number {
    const start = this.at
    if (start + n > this.end) throw new Error("stored payload: truncated packed bytes")
    this.at = start + n
    return start
  }

  /**
   * A string written as the length it shares with `previous` and the rest (trade ids). An ASCII
   * one is its shared prefix joined to its rest: the engine keeps such a join as a pair of
   * references (flattened only if the id's characters are ever read, which a replay's scores
   * never do), where a flat string costs a native call and an allocation of its bytes. The
   * prefix is the previous id's when that is what it shares (a batch's ids usually differ in
   * their last characters only), else cut from the previous id when that one is flat (one that
   * shares nothing, as a batch's first), else read flat out of a scratch buffer holding the
   * previous id's bytes; a one-character rest is the engine's shared one-character string.
   */
  sharingPrefix(previous: string): string {
    const shared = this.uvarint()
    const n = this.uvarint()
    const start = this.skip(n)
    const length = shared + n
    let ascii = length <= SCRATCH && shared <= previous.length
    for (let i = 0; ascii && i < n; i++) ascii = this.bytes[start + i]! < 128
    if (!ascii || !scratchHolds(previous, shared)) {
      this.at = start - lengthOf(n)
      scratchText = ""
      return previous.slice(0, shared) + this.string()
    }
    for (let i = 0; i < n; i++) scratch[shared + i] = this.bytes[start + i]!
    if (shared === 0) {
      // Nothing shared (a batch's first id): read flat, and the next id's prefix is cut from it.
      prefix = ""
      scratchText = n === 1 ? String.fromCharCode(this.bytes[start]!) : scratch.toString("latin1", 0, n)
      return scratchText
    }
    // A new prefix: cut from the previous id when that one is flat (no prefix), else read flat.
    if (shared !== prefix.length)
      prefix = prefix === "" ? previous.slice(0, shared) : scratch.toString("latin1", 0, shared)
    const rest = n === 1 ? String.fromCharCode(this.bytes[start]!) : scratch.toString("latin1", shared, length)
    scratchText = prefix + rest
    return scratchText
  }

  string(): string {
    const n = this.uvarint()
    const start = this.at
    const end = start + n
    if (end > this.end) throw new Error("stored payload: truncated packed string")
    this.at = end
    // Symbols, exchanges and trade ids are short ASCII: built a code unit at a time, which
    // costs less than a decoder call or a subarray for a few bytes.
    if (n <= 64) {
      let s = ""
      for (let i = start; i < end; i++) {
        const b = this.bytes[i]!
        if (b >= 128) return text.decode(this.bytes.subarray(start, end))
        s += String.fromCharCode(b)
      }
      return s
    }
    return text.decode(this.bytes.subarray(start, end))
  }
}
