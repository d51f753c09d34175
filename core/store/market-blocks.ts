/**
 * @module Block rows: a symbol's books, trade batches, tickers and derivatives between two other
 * market events, packed into one `market_blocks` row (fold.ts writes them from `market_events`
 * rows). A replay then reads one row per symbol per stretch instead of one per event, and decodes
 * only the events it keeps (block-read.ts).
 *
 * Layout (packed-bytes.ts varints): a format byte, the event count, the table of sources, then per
 * event in commit order: seq (delta from the one before; the first from the row's `seq`, so 0),
 * time (zigzag delta; the first from the row's `time`, the earliest), type (index in `BLOCK_TYPES`), version,
 * source (index in the table), id (bytes shared with the previous id, then the rest as a string),
 * payload form (text or bytes, as the `market_events` column held it, and where it is), length and,
 * for a payload held here, its bytes. The stored payload goes in as it was (packed, deflated or
 * JSON): folding never re-encodes a payload.
 *
 * Format 2 splits a block in two: the books a later book of the block supersedes — most of a
 * block's bytes, and nothing a replay decodes (it keeps a block's last book) — have their payloads
 * in a tail of their own, back to back in commit order, their headers (and lengths) staying in
 * the lead with every other event. The store keeps the tail in the last column of the row
 * (`books`), so a read that does not select it never has SQLite walk or copy those overflow
 * pages, and a recording file in a frame a replay passes over. Format 1 (earlier builds) holds
 * every payload in the lead and has no tail; both are read.
 */
import { packedColumnsAt } from "./packed-market.ts"
import { decodePayload, type StoredPayload } from "./payload-codec.ts"
import { ByteReader, ByteWriter } from "./packed-bytes.ts"

/** What a block holds: the market inputs that only update the picture a score reads. */
export const BLOCK_TYPES = ["market.orderbook", "market.trades", "market.ticker", "market.derivatives"] as const
export type BlockType = (typeof BLOCK_TYPES)[number]
const TYPE_INDEX: ReadonlyMap<string, number> = new Map(BLOCK_TYPES.map((t, i) => [t, i]))
export const isBlockType = (type: string): type is BlockType => TYPE_INDEX.has(type)

// Every payload in the lead (earlier builds; still read), or superseded books' payloads in the tail.
const FORMAT_WHOLE = 1
const FORMAT_SPLIT = 2
// Payload forms: text or bytes, plus IN_TAIL for a payload held in the tail (format 2).
const TEXT = 0
const BYTES = 1
const IN_TAIL = 2

/** A `market_events` row as fold.ts reads it, and a block's event as block-read.ts hands it out. */
export interface MarketRow {
  readonly seq: number
  readonly time: number
  readonly type: string
  readonly symbol: string | null
  readonly id: string
  readonly version: number
  readonly source: string
  readonly payload: StoredPayload
}

const utf8 = new TextEncoder()
const text = new TextDecoder()
const writer = new ByteWriter()
const tailWriter = new ByteWriter()

/** A block's bytes: the lead and the tail (the superseded books' payloads; null if none). */
export interface EncodedBlock {
  readonly lead: Uint8Array
  readonly tail: Uint8Array | null
}

/**
 * The block of `rows` (one symbol, commit order), format 2. Its row's `seq` is the first row's and
 * its `time` is `baseTime` (the earliest), where the deltas start.
 */
export const encodeBlock = (rows: ReadonlyArray<MarketRow>, baseTime: number): EncodedBlock => {
  const w = writer.reset()
  const tail = tailWriter.reset()
  w.byte(FORMAT_SPLIT)
  w.uvarint(rows.length)
  const sources = [...new Set(rows.map((r) => r.source))]
  w.uvarint(sources.length)
  for (const s of sources) w.string(s)
  let lastBook = -1
  for (let i = rows.length - 1; i >= 0 && lastBook < 0; i--) if (rows[i]!.type === "market.orderbook") lastBook = i
  let seq = rows[0]!.seq
  let time = baseTime
  let previous = new Uint8Array(0)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    w.uvarint(row.seq - seq)
    w.svarint(row.time - time)
    seq = row.seq
    time = row.time
    w.byte(TYPE_INDEX.get(row.type)!)
    w.uvarint(row.version)
    w.uvarint(sources.indexOf(row.source))
    const id = utf8.encode(row.id)
    let shared = 0
    const most = Math.min(id.length, previous.length)
    while (shared < most && id[shared] === previous[shared]) shared++
    w.uvarint(shared)
    w.bytes(id.subarray(shared))
    previous = id
    const isText = typeof row.payload === "string"
    const payload = isText ? utf8.encode(row.payload as string) : (row.payload as Uint8Array)
    const inTail = row.type === "market.orderbook" && i !== lastBook
    w.byte((isText ? TEXT : BYTES) + (inTail ? IN_TAIL : 0))
    if (!inTail) w.bytes(payload)
    else {
      w.uvarint(payload.length)
      tail.raw(payload)
    }
  }
  return { lead: w.finish(), tail: tail.length === 0 ? null : tail.finish() }
}

/**
 * Walks a block's events in commit order without building any of them: `next()` moves on, the
 * fields describe the current event, and its id and payload are built only when asked for.
 *
 * `tail` is the block's tail, or null/undefined when the block has none or the reader did not
 * read it: the walk is the same (the lead says how long each tail payload is), but a payload
 * held there cannot be built then.
 */
export class BlockCursor {
  seq: number
  time: number
  type: BlockType = BLOCK_TYPES[0]
  /** `type`'s index in `BLOCK_TYPES`. */
  typeIndex = 0
  version = 0
  source = ""
  readonly count: number
  private readonly r: ByteReader
  private readonly split: boolean
  private readonly sources: Array<string> = []
  private read = 0
  // The current id's UTF-8 bytes (ids share prefixes with the one before).
  private id = new Uint8Array(64)
  private idLength = 0
  private payloadAt = 0
  private payloadLength = 0
  private payloadText = false
  private payloadInTail = false
  // Where the next tail payload starts.
  private tailAt = 0

  constructor(
    private readonly bytes: Uint8Array,
    seq: number,
    time: number,
    private readonly tail?: Uint8Array | null,
  ) {
    const format = (this.r = new ByteReader(bytes)).byte()
    if (format !== FORMAT_WHOLE && format !== FORMAT_SPLIT) throw new Error("stored block: unknown format")
    this.split = format === FORMAT_SPLIT
    if (!this.split && tail != null) throw new Error("stored block: a format 1 block with a tail")
    this.count = this.r.uvarint()
    const n = this.r.uvarint()
    for (let i = 0; i < n; i++) this.sources.push(this.r.string())
    this.seq = seq
    this.time = time
  }

  /** Moves to the next event; false after the last (and a block with bytes left over throws). */
  next(): boolean {
    const r = this.r
    if (this.read === this.count) {
      if (!r.done) throw new Error("stored block: bytes left after the last event")
      if (this.tail != null && this.tailAt !== this.tail.length)
        throw new Error("stored block: tail bytes left after the last book")
      return false
    }
    this.read++
    this.seq += r.uvarint()
    this.time += r.svarint()
    const typeIndex = r.byte()
    const type = BLOCK_TYPES[typeIndex]
    if (type === undefined) throw new Error("stored block: unknown event type")
    this.type = type
    this.typeIndex = typeIndex
    this.version = r.uvarint()
    const source = this.sources[r.uvarint()]
    if (source === undefined) throw new Error("stored block: unknown source")
    this.source = source
    const shared = r.uvarint()
    const rest = r.uvarint()
    if (shared > this.idLength) throw new Error("stored block: bad id")
    if (shared + rest > this.id.length) {
      const grown = new Uint8Array(shared + rest)
      for (let i = 0; i < shared; i++) grown[i] = this.id[i]!
      this.id = grown
    }
    // Byte by byte: a view per id costs more than copying its few changed bytes.
    const from = r.skip(rest)
    for (let i = 0; i < rest; i++) this.id[shared + i] = this.bytes[from + i]!
    this.idLength = shared + rest
    const form = r.byte()
    if (form > (this.split ? BYTES + IN_TAIL : BYTES)) throw new Error("stored block: bad payload form")
    this.payloadText = (form & BYTES) === TEXT
    this.payloadInTail = form >= IN_TAIL
    this.payloadLength = r.uvarint()
    if (!this.payloadInTail) this.payloadAt = r.skip(this.payloadLength)
    else {
      this.payloadAt = this.tailAt
      this.tailAt += this.payloadLength
      if (this.tail != null && this.tailAt > this.tail.length) throw new Error("stored block: tail cut short")
    }
    return true
  }

  /** The current event's id. */
  idString(): string {
    return idOf(this.id, this.idLength)
  }

  /**
   * The current event as a `BlockMark` (reused: `into`), to be built later: a reader that keeps
   * one event of many (a block's last book) marks each candidate instead of building it.
   */
  mark(into: BlockMark): void {
    into.seq = this.seq
    into.time = this.time
    into.type = this.type
    into.version = this.version
    into.source = this.source
    if (into.id.length < this.idLength) into.id = new Uint8Array(this.id.length)
    // Byte by byte, as `next` copies them: a view per mark costs more than the copy.
    for (let i = 0; i < this.idLength; i++) into.id[i] = this.id[i]!
    into.idLength = this.idLength
    into.payloadAt = this.payloadAt
    into.payloadLength = this.payloadLength
    into.payloadText = this.payloadText
    into.payloadInTail = this.payloadInTail
  }

  /** A marked event's payload decoded (the mark must be of this block). */
  decodedAt(mark: BlockMark): unknown {
    return decodeSlice(this.bytesOf(mark.payloadInTail), mark.payloadAt, mark.payloadLength, mark.payloadText)
  }

  /** The current event's payload as it sat in its `market_events` row (bytes are a view of the block). */
  payload(): StoredPayload {
    const bytes = this.bytesOf(this.payloadInTail).subarray(this.payloadAt, this.payloadAt + this.payloadLength)
    return this.payloadText ? text.decode(bytes) : bytes
  }

  /**
   * Where the current event's trade columns start in the lead if it is a packed trade batch
   * there (-1 for any other payload); they end with the payload (`payloadEnd`).
   */
  packedColumns(): number {
    if (this.payloadText || this.payloadInTail) return -1
    return packedColumnsAt(this.bytes, this.payloadAt, this.payloadAt + this.payloadLength)
  }

  get payloadEnd(): number {
    return this.payloadAt + this.payloadLength
  }

  /** The current event's payload decoded, read in place. */
  decoded(): unknown {
    return decodeSlice(this.bytesOf(this.payloadInTail), this.payloadAt, this.payloadLength, this.payloadText)
  }

  private bytesOf(inTail: boolean): Uint8Array {
    if (!inTail) return this.bytes
    if (this.tail == null) throw new Error("stored block: a superseded book asked for without the block's tail")
    return this.tail
  }
}

/** An event of a block as `BlockCursor.mark` left it: its header, id bytes and where its payload is. */
export class BlockMark {
  seq = 0
  time = 0
  type: BlockType = BLOCK_TYPES[0]
  version = 0
  source = ""
  id = new Uint8Array(64)
  idLength = 0
  payloadAt = 0
  payloadLength = 0
  payloadText = false
  payloadInTail = false

  idString(): string {
    return idOf(this.id, this.idLength)
  }
}

const idOf = (bytes: Uint8Array, length: number): string => {
  let s = ""
  for (let i = 0; i < length; i++) {
    const b = bytes[i]!
    if (b >= 128) return text.decode(bytes.subarray(0, length))
    s += String.fromCharCode(b)
  }
  return s
}

const decodeSlice = (bytes: Uint8Array, at: number, length: number, isText: boolean): unknown =>
  isText ? JSON.parse(text.decode(bytes.subarray(at, at + length))) : decodePayload(bytes, at, at + length)
