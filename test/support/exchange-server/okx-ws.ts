/**
 * @module OKX's v5 public websocket protocol over the generated market (`/ws/v5/public` and
 * `/ws/v5/business`): text `ping` → `pong`; `{"op":"subscribe","args":[{channel,instId}]}` with one
 * `{"event":"subscribe","arg":…}` ack per argument; channels `candle<bar>`, `books` (a snapshot
 * with `seqId`, then updates whose `prevSeqId` is the previous `seqId`, each with OKX's checksum),
 * `books5` (five levels each time), `trades`, `tickers` and `liquidation-orders` (per `instType`).
 * A topic is named `<channel>:<instId or instType>`.
 */
import type { FaultSwitches } from "./faults.ts"
import type { GeneratedMarket } from "./market.ts"
import { okxChecksum } from "./okx-crc.ts"
import { okxCandleRow, okxKey, okxTicker } from "./okx.ts"
import { bookLevels, str } from "./wire.ts"
import type { WsVenue } from "./ws-venue.ts"

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, H: 3_600_000, D: 86_400_000, W: 604_800_000 }

/** "candle1m" / "candle4H" / "candle1Dutc" → period in ms. */
export const okxCandleMs = (channel: string): number | undefined => {
  const m = /^candle(\d+)([mHDW])(utc)?$/.exec(channel)
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined
}

const topicOf = (arg: { channel?: string; instId?: string; instType?: string }) =>
  `${arg.channel}:${arg.instId ?? arg.instType ?? ""}`

const argOf = (topic: string) => {
  const [channel = "", target = ""] = topic.split(":")
  return channel === "liquidation-orders" ? { channel, instType: target } : { channel, instId: target }
}

const levels = (side: Array<[number, number]>, n: number) => bookLevels(side, n).map((l) => [...l, "0", "1"])

/** A linear perpetual and its contract size (`sz` in OKX's liquidation orders counts contracts). */
export interface OkxSwap {
  readonly instId: string
  readonly ctVal: number
}

export const okxVenue = (market: GeneratedMarket, faults: FaultSwitches, swaps: ReadonlyArray<OkxSwap>): WsVenue => {
  const book = (topic: string, instId: string, action: "snapshot" | "update") => {
    const key = okxKey(instId)
    if (action === "snapshot") {
      const b = market.book(key)
      const bids = levels(b.bids, 400)
      const asks = levels(b.asks, 400)
      const data = {
        asks,
        bids,
        ts: str(market.now),
        checksum: okxChecksum(bids, asks),
        prevSeqId: -1,
        seqId: b.lastUpdateId,
      }
      return { arg: argOf(topic), action, data: [data] }
    }
    // A lost update: the book moves twice, only the second change is sent (prevSeqId jumps).
    if (faults.depthGaps.delete(instId)) market.stepBook(key)
    const d = market.stepBook(key)
    const after = market.book(key)
    const toLevels = (side: Array<[number, number]>) => side.map(([p, a]) => [str(p), str(a), "0", a === 0 ? "0" : "1"])
    const checksum = okxChecksum(levels(after.bids, 25), levels(after.asks, 25))
    const data = {
      asks: toLevels(d.asks),
      bids: toLevels(d.bids),
      ts: str(market.now),
      checksum,
      prevSeqId: d.U - 1,
      seqId: d.u,
    }
    return { arg: argOf(topic), action, data: [data] }
  }
  const candles = (topic: string, channel: string, instId: string, before: number) => {
    const tfMs = okxCandleMs(channel)
    if (tfMs === undefined) return []
    const frames: Array<unknown> = []
    const current = Math.floor(market.now / tfMs) * tfMs
    for (let open = Math.floor(before / tfMs) * tfMs; open <= current; open += tfMs) {
      frames.push({ arg: argOf(topic), data: [okxCandleRow(market.kline(okxKey(instId), tfMs, open))] })
    }
    return frames
  }
  const liquidations = (topic: string) =>
    swaps.map(({ instId, ctVal }) => {
      const l = market.makeLiquidation(okxKey(instId))
      const detail = {
        bkLoss: "0",
        bkPx: str(l.price),
        ccy: "",
        posSide: l.side === "sell" ? "long" : "short",
        side: l.side,
        sz: str(Number((l.amount / ctVal).toFixed(8))),
        ts: str(l.time),
      }
      const family = instId.replace(/-SWAP$/, "")
      return {
        arg: argOf(topic),
        data: [{ details: [detail], instFamily: family, instId, instType: "SWAP", uly: family }],
      }
    })
  return {
    name: "okx",
    owns: (path) => path.startsWith("/ws/v5/"),
    control: (text) => {
      if (text === "ping") return { replies: ["pong"] }
      let msg: { op?: string; args?: Array<{ channel?: string; instId?: string; instType?: string }>; id?: string }
      try {
        msg = JSON.parse(text)
      } catch {
        return { replies: [{ event: "error", code: "60012", msg: `Illegal request: ${text}`, connId: "local" }] }
      }
      const args = msg.args ?? []
      if (msg.op !== "subscribe" && msg.op !== "unsubscribe") {
        return { replies: [{ event: "error", code: "60012", msg: `Illegal request: ${text}`, connId: "local" }] }
      }
      const replies = args.map((arg) => ({ event: msg.op, arg, connId: "local" }))
      const topics = args.map(topicOf)
      return msg.op === "subscribe" ? { replies, subscribe: topics } : { replies, unsubscribe: topics }
    },
    subscribeFrames: (topics) =>
      topics.flatMap((topic) => {
        const { channel, instId } = argOf(topic)
        if (instId === undefined || !market.symbol(okxKey(instId))) return []
        return channel === "books" ? [book(topic, instId, "snapshot")] : []
      }),
    advanceFrames: (topics, before, trades) =>
      topics.flatMap((topic): Array<unknown> => {
        const { channel, instId } = argOf(topic)
        if (channel === "liquidation-orders") return liquidations(topic)
        if (instId === undefined || !market.symbol(okxKey(instId))) return []
        const key = okxKey(instId)
        if (channel.startsWith("candle")) return candles(topic, channel, instId, before)
        if (channel === "books") return [book(topic, instId, "update")]
        if (channel === "books5") {
          const b = market.stepBook(key) && market.book(key)
          const data = {
            asks: levels(b.asks, 5),
            bids: levels(b.bids, 5),
            instId,
            ts: str(market.now),
            seqId: b.lastUpdateId,
          }
          return [{ arg: argOf(topic), data: [data] }]
        }
        if (channel === "tickers")
          return [{ arg: argOf(topic), data: [okxTicker(market, instId, instId.endsWith("-SWAP") ? "SWAP" : "SPOT")] }]
        if (channel === "trades" && trades > 0) {
          const data = market.makeTrades(key, trades).map((t) => ({
            instId,
            tradeId: str(t.id),
            px: str(t.price),
            sz: str(t.amount),
            side: t.buyerMaker ? "sell" : "buy",
            ts: str(t.time),
            count: "1",
          }))
          return [{ arg: argOf(topic), data }]
        }
        return []
      }),
  }
}
