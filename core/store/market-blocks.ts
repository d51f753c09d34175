/**
 * @module Block rows: a symbol's books, trade batches, tickers and derivatives between two other
 * market events, packed into one `market_blocks` row (fold.ts writes them from `market_events`
 * rows, block-encode.ts). A replay then reads one row per symbol per stretch instead of one per
 * event, and decodes only the events it keeps (block-read.ts).
 *
 * Layout (packed-bytes.ts varints): a format byte, the event count, the table of sources, then per
 * event in commit order a header — seq (delta from the event before in its chain; the first from
 * the row's `seq`), time (zigzag delta; the first from the row's `time`, the earliest), type (index
 * in `BLOCK_TYPES`), version, source (index in the table), id (bytes shared with the previous id
 * of its chain, then the rest) — the payload form (text or bytes, as the `market_events` column
 * held it), its length and bytes. The stored payload goes in as it was (packed, deflated or JSON):
 * folding never re-encodes a payload.
 *
 * The books a later book of the block supersedes are most of a block's bytes and nothing a replay
 * decodes (it keeps a block's last book), so format 3 puts them — headers and payloads, a chain of
 * their own — in a tail, and the lead holds every other event (its own chain) and, where
 * superseded books were, a byte for one (or a byte and a count for a run of them). The store
 * keeps the tail in the last column of the row (`books`): a read that does not select it never
 * has SQLite walk or copy those overflow pages, nor walks their headers; a recording file keeps
 * it in a frame a replay passes over.
 * Earlier builds wrote format 1 (every event in the lead, one chain, no tail) and format 2 (as 1,
 * with the superseded books' payloads alone in the tail); all three are read.
 */
import { PACKED, packedColumnsAt } from "./packed-market.ts"
import { decodePayload, type StoredPayload } from "./payload-codec.ts"
import { type BlockMark, idOf } from "./block-mark.ts"
import { ByteReader } from "./packed-bytes.ts"

/** What a block holds: the market inputs that only update the picture a score reads. */
export const BLOCK_TYPES = ["market.orderbook", "market.trades", "market.ticker", "market.derivatives"] as const
export type BlockType = (typeof BLOCK_TYPES)[number]
export const TYPE_INDEX: ReadonlyMap<string, number> = new Map(BLOCK_TYPES.map((t, i) => [t, i]))
export const isBlockType = (type: string): type is BlockType => TYPE_INDEX.has(type)

const FORMAT_WHOLE = 1
const FORMAT_SPLIT = 2
export const FORMAT_SKIPPABLE = 3
/** Format 3: a lead item that is not an event but one superseded book (in the tail), or a count of them. */
export const SKIPPED_ONE = 0xfe
export const SKIPPED = 0xff
// Payload forms: text or bytes, plus IN_TAIL (format 2) for a payload held in the tail.
export const TEXT = 0
export const BYTES = 1
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

const text = new TextDecoder()

/** Where a chain of headers is: the last event's seq and time, and its id's UTF-8 bytes. */
class Chain {
  id = new Uint8Array(64)
  idLength = 0
  constructor(
    public seq: number,
    public time: number,
  ) {}
}

/**
 * Walks a block's events in commit order without building any of them: `next()` moves on, the
 * fields describe the current event, and its id and payload are built only when asked for.
 *
 * `tail` is the block's tail, or null/undefined when the block has none or the reader did not
 * read it. Without it, a format 3 walk passes over the superseded books (`skipped` counts them)
 * and a format 2 walk meets them but cannot build their payloads.
 */
export class BlockCursor {
  seq: number
  time: number
  type: BlockType = BLOCK_TYPES[0]
  /** `type`'s index in `BLOCK_TYPES`. */
  typeIndex = 0
  version = 0
  source = ""
  /** Format 3 without the tail: superseded books passed over so far (none of them an event `next` stops at). */
  skipped = 0
  readonly count: number
  private readonly r: ByteReader
  private readonly format: number
  private readonly sources: Array<string> = []
  private read = 0
  private readonly lead: Chain
  private readonly behind: Chain
  // The current event's chain (its id is there).
  private at: Chain
  // Format 3 with the tail: superseded books to read from it before the lead's next item.
  private pending = 0
  private readonly t: ByteReader | undefined
  private payloadAt = 0
  private payloadLength = 0
  private payloadText = false
  private payloadInTail = false
  // Format 2: where the next tail payload starts.
  private tailAt = 0

  constructor(
    private readonly bytes: Uint8Array,
    seq: number,
    time: number,
    private readonly tail?: Uint8Array | null,
  ) {
    const format = (this.r = new ByteReader(bytes)).byte()
    if (format !== FORMAT_WHOLE && format !== FORMAT_SPLIT && format !== FORMAT_SKIPPABLE)
      throw new Error("stored block: unknown format")
    this.format = format
    if (format === FORMAT_WHOLE && tail != null) throw new Error("stored block: a format 1 block with a tail")
    this.t = format === FORMAT_SKIPPABLE && tail != null ? new ByteReader(tail) : undefined
    this.count = this.r.uvarint()
    const n = this.r.uvarint()
    for (let i = 0; i < n; i++) this.sources.push(this.r.string())
    this.seq = seq
    this.time = time
    this.at = this.lead = new Chain(seq, time)
    this.behind = new Chain(seq, time)
  }

  /** Moves to the next event; false after the last (and a block with bytes left over throws). */
  next(): boolean {
    const r = this.r
    if (this.pending > 0) {
      this.pending--
      this.header(this.t!, this.tail!, this.behind, 0)
      this.readPayload(this.t!, true)
      return true
    }
    while (true) {
      if (this.read === this.count) {
        if (!r.done) throw new Error("stored block: bytes left after the last event")
        if (this.format === FORMAT_SPLIT && this.tail != null && this.tailAt !== this.tail.length)
          throw new Error("stored block: tail bytes left after the last book")
        if (this.t !== undefined && !this.t.done) throw new Error("stored block: tail bytes left after the last book")
        return false
      }
      if (this.format !== FORMAT_SKIPPABLE) break
      const typeIndex = r.byte()
      if (typeIndex !== SKIPPED && typeIndex !== SKIPPED_ONE) {
        this.read++
        this.header(r, this.bytes, this.lead, typeIndex)
        this.readPayload(r, false)
        return true
      }
      const n = typeIndex === SKIPPED_ONE ? 1 : r.uvarint()
      if (n === 0 || this.read + n > this.count) throw new Error("stored block: bad count of superseded books")
      this.read += n
      if (this.t === undefined) this.skipped += n
      else {
        this.pending = n - 1
        this.header(this.t, this.tail!, this.behind, 0)
        this.readPayload(this.t, true)
        return true
      }
    }
    this.read++
    this.header(r, this.bytes, this.lead, -1)
    this.readPayload(r, false)
    return true
  }

  /**
   * An event's header from `bytes` (read by `r`), in `chain`: its type given (format 3) or read
   * after its time (-1: formats 1 and 2).
   */
  private header(r: ByteReader, bytes: Uint8Array, chain: Chain, given: number): void {
    chain.seq += r.uvarint()
    chain.time += r.svarint()
    this.seq = chain.seq
    this.time = chain.time
    const typeIndex = given < 0 ? r.byte() : given
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
    if (shared > chain.idLength) throw new Error("stored block: bad id")
    if (shared + rest > chain.id.length) {
      const grown = new Uint8Array(shared + rest)
      for (let i = 0; i < shared; i++) grown[i] = chain.id[i]!
      chain.id = grown
    }
    // Byte by byte: a view per id costs more than copying its few changed bytes.
    const from = r.skip(rest)
    for (let i = 0; i < rest; i++) chain.id[shared + i] = bytes[from + i]!
    chain.idLength = shared + rest
    this.at = chain
  }

  /** An event's payload form, length and place (`inTail`: a format 3 tail's record). */
  private readPayload(r: ByteReader, inTail: boolean): void {
    const form = r.byte()
    if (form > (this.format === FORMAT_SPLIT ? BYTES + IN_TAIL : BYTES))
      throw new Error("stored block: bad payload form")
    this.payloadText = (form & BYTES) === TEXT
    this.payloadLength = r.uvarint()
    this.payloadInTail = inTail || form >= IN_TAIL
    if (inTail || form < IN_TAIL) this.payloadAt = r.skip(this.payloadLength)
    else {
      this.payloadAt = this.tailAt
      this.tailAt += this.payloadLength
      if (this.tail != null && this.tailAt > this.tail.length) throw new Error("stored block: tail cut short")
    }
  }

  /** The current event's id. */
  idString(): string {
    return idOf(this.at.id, this.at.idLength)
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
    const { id, idLength } = this.at
    if (into.id.length < idLength) into.id = new Uint8Array(id.length)
    // Byte by byte, as `next` copies them: a view per mark costs more than the copy.
    for (let i = 0; i < idLength; i++) into.id[i] = id[i]!
    into.idLength = idLength
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

  /** Where the current event's payload starts and ends in the lead (for a payload there). */
  get payloadStart(): number {
    return this.payloadAt
  }

  get payloadEnd(): number {
    return this.payloadAt + this.payloadLength
  }

  /** Whether the current event's payload (`mark`'s, if given) is JSON, text or deflated, not packed columns. */
  jsonForm(mark?: BlockMark): boolean {
    if (mark !== undefined) return mark.payloadText || this.bytesOf(mark.payloadInTail)[mark.payloadAt] !== PACKED
    return this.payloadText || this.bytesOf(this.payloadInTail)[this.payloadAt] !== PACKED
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

const decodeSlice = (bytes: Uint8Array, at: number, length: number, isText: boolean): unknown =>
  isText ? JSON.parse(text.decode(bytes.subarray(at, at + length))) : decodePayload(bytes, at, at + length)
