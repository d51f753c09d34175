/**
 * @module The WHERE terms of a seq-ordered scan over a time range, shared by the `events` table's
 * pages (seq-scan.ts) and the hot tier's market rows and blocks (hot-market.ts), and the type
 * test they share with the events read out of blocks and the ring (`typePasses`).
 *
 * Every term has a unary `+`: no index may drive a page (one would sort the whole range for every
 * page); the filters apply to the rows of the primary-key walk, one pass over the range in all.
 */
import type { ScanRange } from "./seq-scan.ts"

export interface ScanFilter {
  readonly where: Array<string>
  readonly params: Array<string | number>
}

/**
 * `range`'s type, symbol and time terms. `fromColumn` is the column `range.from` is compared with
 * (a block's `last_time`: a block reaching into the range counts); `withType: false` leaves the
 * type to the caller (a block holds several).
 */
/**
 * Whether an event type passes a range's type filter (exact, or `prefix.*`; none passes every
 * type): the in-memory twin of the type terms below, for events read out of blocks and the ring.
 */
export const typePasses = (filter: string | undefined, type: string): boolean =>
  filter === undefined || (filter.endsWith(".*") ? type.startsWith(filter.slice(0, -1)) : type === filter)

export const scanFilter = (range: ScanRange, fromColumn = "time", withType = true): ScanFilter => {
  const where: Array<string> = []
  const params: Array<string | number> = []
  if (range.type !== undefined && withType) {
    if (range.type.endsWith(".*")) {
      const prefix = range.type.slice(0, -1)
      where.push("+type >= ?", "+type < ?")
      params.push(prefix, `${prefix.slice(0, -1)}/`)
    } else {
      where.push("+type = ?")
      params.push(range.type)
    }
  }
  if (range.symbol !== undefined) {
    where.push("+symbol = ?")
    params.push(range.symbol)
  }
  if (range.from !== undefined) {
    where.push(`+${fromColumn} >= ?`)
    params.push(range.from)
  }
  if (range.to !== undefined) {
    where.push("+time < ?")
    params.push(range.to)
  }
  return { where, params }
}
