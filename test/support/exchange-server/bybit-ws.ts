/**
 * @module Bybit v5 public websocket wire formats (`/v5/public/{spot,linear}`) over the generated
 * market: `{"op":"subscribe","args":[topic…]}` with acks, `{"op":"ping"}` → pong, and topics
 * `kline.<interval>.<ID>`, `orderbook.<depth>.<ID>` (a snapshot on subscribe, then deltas),
 * `publicTrade.<ID>`, `tickers.<ID>`, and on linear `allLiquidation.<ID>` / `liquidation.<ID>`
 * (one liquidation per clock move; `S` is the liquidated position's side). Message shapes follow Bybit's v5
 * documentation (the
 * examples ccxt's bybit handlers quote).
 */
import type { FaultSwitches } from "./faults.ts"
import type { GeneratedMarket, Kline } from "./market.ts"
import { bookLevels, str } from "./wire.ts"
import type { WsVenue } from "./ws-venue.ts"

export const BYBIT_WS_INTERVALS: Readonly<Record<string, number>> = {
  "1": 60_000,
  "3": 180_000,
  "5": 300_000,
  "15": 900_000,
  "30": 1_800_000,
  "60": 3_600_000,
  "240": 14_400_000,
  D: 86_400_000,
}

export const isBybitWsPath = (path: string): boolean => path.startsWith("/v5/public/")

export interface BybitTopic {
  readonly kind: "kline" | "orderbook" | "publicTrade" | "tickers" | "liquidation" | "other"
  readonly id: string
  readonly interval?: string
  readonly depth?: number
}

export const parseBybitTopic = (topic: string): BybitTopic => {
  const parts = topic.split(".")
  const id = parts.at(-1) ?? ""
  switch (parts[0]) {
    case "kline":
      return { kind: "kline", id, interval: parts[1]! }
    case "orderbook":
      return { kind: "orderbook", id, depth: Number(parts[1]) }
    case "publicTrade":
      return { kind: "publicTrade", id }
    case "tickers":
      return { kind: "tickers", id }
    case "allLiquidation":
    case "liquidation":
      return { kind: "liquidation", id }
    default:
      return { kind: "other", id }
  }
}

/** The reply to a client message (subscribe / unsubscribe / ping), and the topics it changes. */
export const bybitControl = (
  text: string,
): { reply: unknown; subscribe?: ReadonlyArray<string>; unsubscribe?: ReadonlyArray<string> } => {
  let msg: { op?: string; args?: Array<string>; req_id?: string }
  try {
    msg = JSON.parse(text)
  } catch {
    return { reply: { success: false, ret_msg: "invalid json", op: "" } }
  }
  const base = { success: true, ret_msg: "", conn_id: "local", req_id: msg.req_id, op: msg.op }
  if (msg.op === "ping") return { reply: { ...base, ret_msg: "pong" } }
  if (msg.op === "subscribe") return { reply: base, subscribe: msg.args ?? [] }
  if (msg.op === "unsubscribe") return { reply: base, unsubscribe: msg.args ?? [] }
  return { reply: { ...base, success: false, ret_msg: `unknown op ${msg.op}` } }
}

const klineData = (k: Kline, tfMs: number, interval: string, now: number) => ({
  start: k.openTime,
  end: k.openTime + tfMs - 1,
  interval,
  open: str(k.open),
  close: str(k.close),
  high: str(k.high),
  low: str(k.low),
  volume: str(k.volume),
  turnover: str(Number((k.volume * k.close).toFixed(4))),
  confirm: k.closed,
  timestamp: now,
})

/** Kline frames for one topic after the clock moved from `before`: every candle that closed, then the open one. */
export const bybitKlineFrames = (
  market: GeneratedMarket,
  topic: string,
  t: BybitTopic,
  before: number,
): Array<unknown> => {
  const tfMs = BYBIT_WS_INTERVALS[t.interval ?? ""]
  if (tfMs === undefined) return []
  const frames: Array<unknown> = []
  const current = Math.floor(market.now / tfMs) * tfMs
  for (let open = Math.floor(before / tfMs) * tfMs; open <= current; open += tfMs) {
    frames.push({
      topic,
      type: "snapshot",
      ts: market.now,
      data: [klineData(market.kline(t.id, tfMs, open), tfMs, t.interval!, market.now)],
    })
  }
  return frames
}

/**
 * Book topics number their messages: `u` is 1 on a snapshot's first life and then counts every
 * message of the topic by one (Bybit restarts it at 1 when its service restarts); `seq` is the
 * cross-topic sequence. A lost message is a jump in `u`.
 */
export const bybitBookSnapshot = (market: GeneratedMarket, topic: string, t: BybitTopic, u: number) => {
  const book = market.book(t.id)
  const depth = t.depth ?? 50
  return {
    topic,
    type: "snapshot",
    ts: market.now,
    cts: market.now,
    data: {
      s: t.id,
      b: bookLevels(book.bids, depth),
      a: bookLevels(book.asks, depth),
      u,
      seq: book.lastUpdateId,
    },
  }
}

export const bybitBookDelta = (market: GeneratedMarket, topic: string, t: BybitTopic, u: number) => {
  const d = market.stepBook(t.id)
  return {
    topic,
    type: "delta",
    ts: market.now,
    cts: market.now,
    data: {
      s: t.id,
      b: d.bids.map(([p, a]) => [str(p), str(a)]),
      a: d.asks.map(([p, a]) => [str(p), str(a)]),
      u,
      seq: d.u,
    },
  }
}

export const bybitTradeFrame = (market: GeneratedMarket, topic: string, t: BybitTopic, count: number) => ({
  topic,
  type: "snapshot",
  ts: market.now,
  data: market.makeTrades(t.id, count).map((tr) => ({
    T: tr.time,
    s: t.id,
    S: tr.buyerMaker ? "Sell" : "Buy",
    v: str(tr.amount),
    p: str(tr.price),
    L: "PlusTick",
    i: `t${tr.id}`,
    BT: false,
  })),
})

export const bybitTickerFrame = (market: GeneratedMarket, topic: string, t: BybitTopic) => {
  const tk = market.ticker(t.id)
  return {
    topic,
    type: "snapshot",
    ts: market.now,
    cs: market.now,
    data: {
      symbol: t.id,
      lastPrice: str(tk.last),
      highPrice24h: str(tk.high),
      lowPrice24h: str(tk.low),
      prevPrice24h: str(tk.open),
      volume24h: str(tk.baseVolume),
      turnover24h: str(tk.quoteVolume),
      price24hPcnt: str(tk.percentage / 100),
      usdIndexPrice: str(tk.last),
    },
  }
}

/**
 * `allLiquidation` carries an array, the older `liquidation` topic one object. Bybit documents `S`
 * as the position's side: "Buy" means a long position was liquidated (the forced order sold).
 */
export const bybitLiquidationFrame = (market: GeneratedMarket, topic: string, t: BybitTopic) => {
  const l = market.makeLiquidation(t.id)
  const positionSide = l.side === "sell" ? "Buy" : "Sell"
  if (topic.startsWith("allLiquidation.")) {
    return {
      topic,
      type: "snapshot",
      ts: market.now,
      data: [{ T: l.time, s: t.id, S: positionSide, v: str(l.amount), p: str(l.price) }],
    }
  }
  return {
    topic,
    type: "snapshot",
    ts: market.now,
    data: { updatedTime: l.time, symbol: t.id, side: positionSide, size: str(l.amount), price: str(l.price) },
  }
}

/**
 * Bybit's v5 public protocol on `/v5/public/{spot,linear,...}`. A `depthGap(<ID>)` fault loses one
 * book message: the book moves twice and `u` skips one number.
 */
export const bybitVenue = (market: GeneratedMarket, faults: FaultSwitches): WsVenue => {
  /** The last `u` sent per book topic. */
  const numbering = new Map<string, number>()
  const nextU = (topic: string, t: BybitTopic) => {
    let u = (numbering.get(topic) ?? 0) + 1
    if (faults.depthGaps.delete(t.id)) {
      market.stepBook(t.id)
      u++
    }
    numbering.set(topic, u)
    return u
  }
  return {
    name: "bybit",
    owns: isBybitWsPath,
    control: (text) => {
      const { reply, subscribe, unsubscribe } = bybitControl(text)
      return { replies: [reply], ...(subscribe ? { subscribe } : {}), ...(unsubscribe ? { unsubscribe } : {}) }
    },
    // order books start from a snapshot
    subscribeFrames: (topics) =>
      topics.flatMap((topic) => {
        const t = parseBybitTopic(topic)
        if (t.kind !== "orderbook" || !market.symbol(t.id)) return []
        numbering.set(topic, 1)
        return [bybitBookSnapshot(market, topic, t, 1)]
      }),
    advanceFrames: (topics, before, trades) =>
      topics.flatMap((topic) => {
        const t = parseBybitTopic(topic)
        if (!market.symbol(t.id)) return []
        if (t.kind === "kline") return bybitKlineFrames(market, topic, t, before)
        if (t.kind === "orderbook") return [bybitBookDelta(market, topic, t, nextU(topic, t))]
        if (t.kind === "tickers") return [bybitTickerFrame(market, topic, t)]
        if (t.kind === "liquidation") return [bybitLiquidationFrame(market, topic, t)]
        if (t.kind === "publicTrade" && trades > 0) return [bybitTradeFrame(market, topic, t, trades)]
        return []
      }),
  }
}
