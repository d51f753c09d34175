/**
 * @module OKX's order book checksum: CRC-32 (IEEE) of the first 25 bid and ask levels interleaved
 * as `bidPx:bidSz:askPx:askSz:...` (the strings as sent), as a signed 32-bit integer.
 */

const TABLE = (() => {
  const t = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  return t
})()

export const crc32 = (text: string): number => {
  let c = -1
  const bytes = new TextEncoder().encode(text)
  for (const b of bytes) c = TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ -1) | 0
}

type Side = ReadonlyArray<ReadonlyArray<string>>

export const okxChecksum = (bids: Side, asks: Side): number => {
  const parts: Array<string> = []
  for (let i = 0; i < 25; i++) {
    const b = bids[i]
    const a = asks[i]
    if (b) parts.push(`${b[0]}:${b[1]}`)
    if (a) parts.push(`${a[0]}:${a[1]}`)
  }
  return crc32(parts.join(":"))
}
