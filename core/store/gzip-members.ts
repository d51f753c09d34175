/**
 * @module The members of a multi-member gzip file, inflated one at a time (RFC 1952): a day file
 * gains a member per tiering pass, and a reader that takes one member at a time holds one pass's
 * rows instead of the day's. Each member's CRC-32 and length are checked.
 */
import { inflateRawSync } from "node:zlib"

const FHCRC = 2
const FEXTRA = 4
const FNAME = 8
const FCOMMENT = 16

/** What `inflateRawSync` answers with `info: true`: the output and how much input it consumed. */
const isInflateInfo = (value: unknown): value is { buffer: Buffer; engine: { bytesWritten: number } } =>
  typeof value === "object" &&
  value !== null &&
  "buffer" in value &&
  Buffer.isBuffer(value.buffer) &&
  "engine" in value &&
  typeof value.engine === "object" &&
  value.engine !== null &&
  "bytesWritten" in value.engine &&
  typeof value.engine.bytesWritten === "number"

const corrupt = (at: number, what: string) => new Error(`gzip member at byte ${at}: ${what}`)

/** Each member's decompressed text, in file order. */
export function* gzipMembers(file: Buffer): Generator<string> {
  let at = 0
  while (at < file.length) {
    if (file[at] !== 0x1f || file[at + 1] !== 0x8b || file[at + 2] !== 8) throw corrupt(at, "no gzip header")
    const flags = file[at + 3]!
    let p = at + 10
    if (flags & FEXTRA) p += 2 + file.readUInt16LE(p)
    if (flags & FNAME) p = file.indexOf(0, p) + 1
    if (flags & FCOMMENT) p = file.indexOf(0, p) + 1
    if (flags & FHCRC) p += 2
    let inflated: unknown
    try {
      inflated = inflateRawSync(file.subarray(p), { info: true })
    } catch (cause) {
      throw corrupt(at, cause instanceof Error ? cause.message : String(cause))
    }
    if (!isInflateInfo(inflated)) throw corrupt(at, "inflate gave no byte count")
    p += inflated.engine.bytesWritten
    if (p + 8 > file.length) throw corrupt(at, "cut short")
    const text = inflated.buffer
    if (file.readUInt32LE(p) !== Bun.hash.crc32(text) >>> 0 || file.readUInt32LE(p + 4) !== text.length >>> 0)
      throw corrupt(at, "checksum or length mismatch")
    at = p + 8
    yield text.toString("utf8")
  }
}
