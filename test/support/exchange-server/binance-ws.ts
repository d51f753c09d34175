/**
 * @module Binance's websocket stream protocol over the generated market: `SUBSCRIBE` /
 * `UNSUBSCRIBE` with acks on any path, and the frames of `<id>@kline_<tf>`, `<id>@trade` and
 * `<id>@depth@100ms` (diff depth whose `U`/`u` continue the REST snapshot's `lastUpdateId`) and,
 * on the futures sockets, `<id>@forceOrder` (one liquidation order per clock move).
 * Fault switches reach in here: a lost diff-depth update (`depthGap`) and skipped candles (`candleGap`).
 */
import { BINANCE_INTERVALS } from "./binance.ts"
import type { FaultSwitches } from "./faults.ts"
import type { GeneratedMarket, Kline } from "./market.ts"
import { str } from "./wire.ts"
import type { WsVenue } from "./ws-venue.ts"

/** Websocket frames. `stream` is a Binance stream name such as "btcusdt@kline_1m". */
export const klineFrame = (market: GeneratedMarket, id: string, interval: string, k: Kline) => ({
  e: "kline",
  E: market.now,
  s: id,
  k: {
    t: k.openTime,
    T: k.openTime + BINANCE_INTERVALS[interval]! - 1,
    s: id,
    i: interval,
    f: 1,
    L: 100,
    o: str(k.open),
    c: str(k.close),
    h: str(k.high),
    l: str(k.low),
    v: str(k.volume),
    n: 100,
    x: k.closed,
    q: str(Number((k.volume * k.close).toFixed(4))),
    V: str(k.volume / 2),
    Q: "0",
    B: "0",
  },
})

export const tradeFrame = (
  market: GeneratedMarket,
  id: string,
  t: { id: number; time: number; price: number; amount: number; buyerMaker: boolean },
) => ({
  e: "trade",
  E: market.now,
  s: id,
  t: t.id,
  p: str(t.price),
  q: str(t.amount),
  T: t.time,
  m: t.buyerMaker,
  M: true,
})

export const depthFrame = (
  market: GeneratedMarket,
  id: string,
  d: { U: number; u: number; bids: Array<[number, number]>; asks: Array<[number, number]> },
) => ({
  e: "depthUpdate",
  E: market.now,
  s: id,
  U: d.U,
  u: d.u,
  b: d.bids.map(([p, a]) => [str(p), str(a)]),
  a: d.asks.map(([p, a]) => [str(p), str(a)]),
})

/** A USDⓈ-M liquidation order: `S` is the forced order's side (SELL closes a long). */
export const forceOrderFrame = (market: GeneratedMarket, id: string) => {
  const l = market.makeLiquidation(id)
  return {
    e: "forceOrder",
    E: market.now,
    o: {
      s: id,
      S: l.side.toUpperCase(),
      o: "LIMIT",
      f: "IOC",
      q: str(l.amount),
      p: str(l.price),
      ap: str(l.price),
      X: "FILLED",
      l: str(l.amount),
      z: str(l.amount),
      T: l.time,
    },
  }
}

/** Parses "btcusdt@kline_1m" / "btcusdt@trade" / "btcusdt@depth@100ms" / "btcusdt@forceOrder". */
export const parseStream = (
  stream: string,
): { id: string; kind: "kline" | "trade" | "depth" | "forceOrder" | "other"; interval?: string } => {
  const [lower = "", channel = ""] = stream.split("@")
  const id = lower.toUpperCase()
  if (channel.startsWith("kline_")) return { id, kind: "kline", interval: channel.slice(6) }
  if (channel === "trade" || channel === "aggTrade") return { id, kind: "trade" }
  if (channel.startsWith("depth")) return { id, kind: "depth" }
  if (channel === "forceOrder") return { id, kind: "forceOrder" }
  return { id, kind: "other" }
}

/** Binance's protocol: owns every websocket path the other venues do not claim. */
export const binanceVenue = (market: GeneratedMarket, faults: FaultSwitches): WsVenue => {
  /** Kline open times a gap fault keeps off the websocket, per "<ID>@<tf>". */
  const gapRanges = new Map<string, { from: number; to: number }>()
  const klines = (id: string, interval: string, before: number): Array<unknown> => {
    const tfMs = BINANCE_INTERVALS[interval]!
    const prevOpen = Math.floor(before / tfMs) * tfMs
    const currentOpen = Math.floor(market.now / tfMs) * tfMs
    const key = `${id}@${interval}`
    const armed = faults.candleGaps.get(key)
    if (armed !== undefined) {
      // the open candle never gets its final frame, and the next `armed` candles are never sent
      faults.candleGaps.delete(key)
      gapRanges.set(key, { from: prevOpen, to: prevOpen + armed * tfMs })
      faults.injected.gaps++
    }
    const range = gapRanges.get(key)
    const skipped = (t: number) => range !== undefined && t >= range.from && t <= range.to
    const frames: Array<unknown> = []
    for (let t = prevOpen; t <= currentOpen; t += tfMs) {
      if (!skipped(t)) frames.push(klineFrame(market, id, interval, market.kline(id, tfMs, t)))
    }
    return frames
  }
  return {
    name: "binance",
    owns: () => true,
    control: (text) => {
      let msg: { method?: string; params?: Array<string>; id?: number }
      try {
        msg = JSON.parse(text)
      } catch {
        return { replies: [{ error: { code: 2, msg: "Invalid JSON" } }] }
      }
      const params = msg.params ?? []
      const reply = { result: null, id: msg.id }
      if (msg.method === "SUBSCRIBE") return { replies: [reply], subscribe: params }
      if (msg.method === "UNSUBSCRIBE") return { replies: [reply], unsubscribe: params }
      return { replies: [reply] }
    },
    subscribeFrames: () => [],
    advanceFrames: (topics, before, trades) =>
      topics.flatMap((stream) => {
        const s = parseStream(stream)
        if (!market.symbol(s.id)) return []
        if (s.kind === "kline" && s.interval) return klines(s.id, s.interval, before)
        if (s.kind === "depth") {
          // A lost update: the book moves twice, only the second diff is sent.
          if (faults.depthGaps.delete(s.id)) market.stepBook(s.id)
          return [depthFrame(market, s.id, market.stepBook(s.id))]
        }
        if (s.kind === "forceOrder") return [forceOrderFrame(market, s.id)]
        if (s.kind === "trade" && trades > 0)
          return market.makeTrades(s.id, trades).map((t) => tradeFrame(market, s.id, t))
        return []
      }),
  }
}
