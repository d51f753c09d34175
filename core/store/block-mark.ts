/**
 * @module A block's event as a reader marks it to build later (market-blocks.ts `BlockCursor.mark`):
 * a reader that keeps one event of many, a block's last book, marks each candidate instead of
 * building it.
 */
import type { BlockType } from "./market-blocks.ts"

const text = new TextDecoder()

/** An event of a block as `BlockCursor.mark` left it: its header, id bytes and where its payload is. */
export class BlockMark {
  seq = 0
  time = 0
  type: BlockType = "market.orderbook"
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

export const idOf = (bytes: Uint8Array, length: number): string => {
  let s = ""
  for (let i = 0; i < length; i++) {
    const b = bytes[i]!
    if (b >= 128) return text.decode(bytes.subarray(0, length))
    s += String.fromCharCode(b)
  }
  return s
}
