/**
 * @module Backfilled candle history (`market.candles`) packed (the layout after packed-market.ts's
 * two bytes): symbol, timeframe, flags (bit 0: an exchange follows as a string; bit 1: `backfill`
 * is present, bit 2 its value), the candle count, open times as zigzag deltas, then open, high,
 * low, close and volume of every candle as float64s. A replay reads every backfill at its start:
 * read straight from the bytes it costs a tenth of inflating and parsing the deflated JSON earlier
 * builds stored, at about three times the bytes (a series is stored once per start).
 */
import type { PayloadOf } from "../events/index.ts"
import { type ByteReader, type ByteWriter, PACKABLE } from "./packed-bytes.ts"

type Candles = PayloadOf<"market.candles">
type Candle = Candles["candles"][number]

const PAYLOAD_KEYS: ReadonlySet<string> = new Set(["symbol", "timeframe", "exchange", "candles", "backfill"])
const CANDLE_KEYS = ["time", "open", "high", "low", "close", "volume"] as const

/** Whether the payload is only what this layout carries (nothing else would survive it). */
const packable = (payload: Candles): boolean => {
  for (const key of Object.keys(payload)) if (!PAYLOAD_KEYS.has(key)) return false
  if (payload.exchange !== undefined && typeof payload.exchange !== "string") return false
  for (const candle of payload.candles) {
    const keys = Object.keys(candle)
    if (keys.length !== CANDLE_KEYS.length) return false
    for (const key of CANDLE_KEYS) if (typeof candle[key] !== "number") return false
    if (!Number.isInteger(candle.time) || Math.abs(candle.time) > PACKABLE) return false
  }
  return true
}

/** Writes the candles after the layout bytes; false (nothing meaningful written) when they do not pack. */
export const packCandles = (w: ByteWriter, payload: Candles): boolean => {
  if (!packable(payload)) return false
  w.string(payload.symbol)
  w.string(payload.timeframe)
  const flags =
    (payload.exchange === undefined ? 0 : 1) |
    (payload.backfill === undefined ? 0 : 2) |
    (payload.backfill === true ? 4 : 0)
  w.byte(flags)
  if (payload.exchange !== undefined) w.string(payload.exchange)
  const candles = payload.candles
  w.uvarint(candles.length)
  let time = 0
  for (const c of candles) {
    w.svarint(c.time - time)
    time = c.time
  }
  for (const c of candles) {
    w.f64(c.open)
    w.f64(c.high)
    w.f64(c.low)
    w.f64(c.close)
    w.f64(c.volume)
  }
  return true
}

// A payload's open times as read before its prices (grown as payloads need; never shrunk).
let times = new Float64Array(1024)

export const unpackCandles = (r: ByteReader): Candles => {
  const symbol = r.string()
  const timeframe = r.string() as Candles["timeframe"]
  const flags = r.byte()
  const exchange = flags & 1 ? r.string() : undefined
  const n = r.uvarint()
  // Each candle takes a byte at least for its time and 40 for its prices.
  if (41 * n > r.left) throw new Error("stored payload: truncated packed bytes")
  if (times.length < n) times = new Float64Array(Math.max(n, times.length * 2))
  let time = 0
  for (let i = 0; i < n; i++) times[i] = time += r.svarint()
  // Each candle made whole at once, its prices read in place (little-endian, as `f64` writes
  // them): one shape for every candle, and no copy of each float's bytes.
  const at = r.skip(40 * n)
  const v = r.dataView()
  const candles = new Array<Candle>(n)
  for (let i = 0, p = at; i < n; i++, p += 40)
    candles[i] = {
      time: times[i]!,
      open: v.getFloat64(p, true),
      high: v.getFloat64(p + 8, true),
      low: v.getFloat64(p + 16, true),
      close: v.getFloat64(p + 24, true),
      volume: v.getFloat64(p + 32, true),
    }
  const payload: { -readonly [K in keyof Candles]: Candles[K] } = { symbol, timeframe, candles }
  if (exchange !== undefined) payload.exchange = exchange
  if (flags & 2) payload.backfill = (flags & 4) !== 0
  return payload
}
