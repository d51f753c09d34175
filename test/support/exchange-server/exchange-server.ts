/**
 * @module A local exchange: one Bun.serve answering Binance REST (`/api/v3`, `/fapi/v1`,
 * `/futures/data`), Bybit v5 REST (`/v5/market`) and Binance's websocket stream protocol
 * (SUBSCRIBE / UNSUBSCRIBE, kline / trade / diff-depth frames) on any path.
 *
 * Market data is generated (see `market.ts`) on top of the instruments in ccxt's recorded market
 * fixtures. Time only moves through `advance()` (or the optional auto-ticker for end-to-end runs),
 * and every state change wakes `waitFor()` waiters, so tests await conditions instead of sleeping.
 */
import type { Server, ServerWebSocket } from "bun"
import {
  binanceInstruments,
  binanceRest,
  depthFrame,
  klineFrame,
  parseStream,
  tradeFrame,
  BINANCE_INTERVALS,
} from "./binance.ts"
import { binanceSpotWeight, WeightMeter } from "./binance-weights.ts"
import { bybitInstruments, bybitRest } from "./bybit.ts"
import { bybitAdvanceFrames, bybitControl, bybitSubscribeFrames, isBybitWsPath } from "./bybit-ws.ts"
import { FaultSwitches } from "./faults.ts"
import { GeneratedMarket } from "./market.ts"
import type { MarketsFixture, RestResult } from "./wire.ts"

export interface ExchangeServerOptions {
  /** ccxt markets fixture for Binance (instruments served by `exchangeInfo`). */
  readonly binanceMarkets: MarketsFixture
  readonly bybitMarkets?: MarketsFixture
  /** Extra generated spot pairs beyond the fixture's seven (TopSymbols needs a longer list). */
  readonly extraSpot?: ReadonlyArray<{ base: string; quote: string; turnover?: number }>
  /** Server clock start, ms. Default: a fixed instant so runs are reproducible. */
  readonly now?: number
  /** End-to-end runs: advance the clock with real time every `ms` and push stream updates. */
  readonly autoTickMs?: number
  readonly port?: number
}

interface SocketData {
  readonly streams: Set<string>
  readonly path: string
}

export interface RequestRecord {
  readonly path: string
  readonly query: string
  readonly status: number
  readonly fault?: string
}

const DEFAULT_NOW = Date.UTC(2026, 0, 5, 12, 0, 0)

export class ExchangeServer {
  readonly market: GeneratedMarket
  readonly faults = new FaultSwitches()
  readonly requests: Array<RequestRecord> = []
  readonly ws = { opened: 0, closed: 0, refused: 0, subscribes: 0, unsubscribes: 0, framesSent: 0, lastCloseCode: 0 }
  /** Binance spot weight of every `/api/v3` request, by real arrival time. */
  readonly spotWeight = new WeightMeter()
  readonly subscribeLog: Array<string> = []
  readonly unsubscribeLog: Array<string> = []
  private readonly sockets = new Set<ServerWebSocket<SocketData>>()
  private readonly waiters = new Set<() => void>()
  private readonly held = new Set<() => void>()
  /** Kline open times a gap fault keeps off the websocket, per "<ID>@<tf>". */
  private readonly gapRanges = new Map<string, { from: number; to: number }>()
  private readonly binance
  private readonly bybit
  private server!: Server<SocketData>
  private ticker: ReturnType<typeof setInterval> | undefined

  constructor(readonly options: ExchangeServerOptions) {
    this.market = new GeneratedMarket(options.now ?? DEFAULT_NOW)
    this.binance = binanceInstruments(options.binanceMarkets, options.extraSpot ?? [])
    this.bybit = bybitInstruments(options.bybitMarkets ?? {})
    for (const info of [...this.binance.spot, ...this.binance.linear, ...this.bybit.spot, ...this.bybit.linear]) {
      const id = String(info.symbol)
      if (this.market.symbol(id)) continue
      const base = String(info.baseAsset ?? info.baseCoin)
      const quote = String(info.quoteAsset ?? info.quoteCoin)
      const extra = options.extraSpot?.find((e) => `${e.base}${e.quote}` === id)
      this.market.addSymbol({
        id,
        base,
        quote,
        basePrice: base === "BTC" ? 60_000 : base === "ETH" ? 3_000 : undefined,
        turnover: extra?.turnover,
      })
    }
  }

  start(): this {
    this.server = Bun.serve<SocketData>({
      port: this.options.port ?? 0,
      hostname: "127.0.0.1",
      fetch: (req, server) => this.handle(req, server),
      websocket: {
        open: (ws) => {
          this.sockets.add(ws)
          this.ws.opened++
          this.notify()
        },
        message: (ws, message) => this.onWsMessage(ws, String(message)),
        close: (ws, code) => {
          this.sockets.delete(ws)
          this.ws.closed++
          this.ws.lastCloseCode = code
          this.notify()
        },
      },
    })
    if (this.options.autoTickMs) {
      let last = Date.now()
      this.market.now = last
      this.ticker = setInterval(() => {
        const now = Date.now()
        this.advance(now - last, { trades: 2 })
        last = now
      }, this.options.autoTickMs)
    }
    return this
  }

  get port(): number {
    return this.server.port!
  }
  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }
  /** Spot socket base. It must contain "/stream": ccxt's binance decides spot vs futures by URL. */
  get wsSpotUrl(): string {
    return `ws://127.0.0.1:${this.port}/stream/ws`
  }

  /**
   * The ccxt `urls` override for binance pointing every public family at this server; with
   * `wsPort`, the websocket families point at that port instead (e.g. a closed one).
   */
  binanceUrls(options: { readonly wsPort?: number } = {}) {
    return binanceUrlsAt(this.port, options.wsPort ?? this.port)
  }

  /** The ccxt `urls` override for bybit: REST and the v5 public websockets on this server. */
  bybitUrls(options: { readonly wsPort?: number } = {}) {
    const ws = `ws://127.0.0.1:${options.wsPort ?? this.port}/v5/public`
    return {
      api: {
        public: this.httpUrl,
        private: this.httpUrl,
        ws: {
          public: { spot: `${ws}/spot`, linear: `${ws}/linear`, inverse: `${ws}/inverse`, option: `${ws}/option` },
        },
      },
    }
  }

  /** Resolves when `predicate()` holds; re-checked on every server event. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`exchange-server: timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      const check = () => {
        if (!predicate()) return
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve()
      }
      this.waiters.add(check)
    })
  }

  activeStreams(): Set<string> {
    const out = new Set<string>()
    for (const s of this.sockets) for (const st of s.data.streams) out.add(st)
    return out
  }

  /** Number of requests whose path contains `fragment`. */
  count(fragment: string): number {
    return this.requests.filter((r) => r.path.includes(fragment)).length
  }

  /**
   * Move the clock and push updates to subscribed streams: for each kline stream, closing frames
   * (x=true) for every candle that ended (minus any configured gap), then the current open candle;
   * one diff-depth frame per book stream; `trades` trade frames per trade stream.
   */
  advance(ms: number, opts: { trades?: number } = {}): void {
    const before = this.market.now
    this.market.now += ms
    if (this.faults.silent) return this.notify()
    for (const ws of this.sockets) {
      if (isBybitWsPath(ws.data.path)) {
        for (const frame of bybitAdvanceFrames(this.market, ws.data.streams, before, opts.trades ?? 0))
          this.send(ws, frame)
        continue
      }
      for (const stream of ws.data.streams) {
        if (this.faults.silentStreams.has(stream)) continue
        const s = parseStream(stream)
        if (!this.market.symbol(s.id)) continue
        if (s.kind === "kline" && s.interval) this.pushKlines(ws, s.id, s.interval, before)
        else if (s.kind === "depth") {
          // A lost update: the book moves twice, only the second diff is sent.
          if (this.faults.depthGaps.delete(s.id)) this.market.stepBook(s.id)
          this.send(ws, depthFrame(this.market, s.id, this.market.stepBook(s.id)))
        } else if (s.kind === "trade" && opts.trades) {
          for (const t of this.market.makeTrades(s.id, opts.trades)) this.send(ws, tradeFrame(this.market, s.id, t))
        }
      }
    }
    this.notify()
  }

  /** What an end-to-end run can inspect at `GET /__stats` (not part of any exchange's API). */
  statsSnapshot() {
    const byPath: Record<string, number> = {}
    for (const r of this.requests) byPath[r.path] = (byPath[r.path] ?? 0) + 1
    return {
      now: this.market.now,
      requests: this.requests.length,
      byPath,
      ws: this.ws,
      streams: [...this.activeStreams()].sort(),
      faults: this.faults.injected,
      last: this.requests.slice(-10),
    }
  }

  /** Terminates every websocket without a close frame: clients see code 1006. */
  dropWebsockets(): void {
    this.faults.injected.drops++
    for (const ws of this.sockets) ws.terminate()
  }

  /** Answers any request held by a "hang" fault (used on stop so nothing dangles). */
  releaseHeld(): void {
    for (const release of this.held) release()
    this.held.clear()
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker)
    this.releaseHeld()
    for (const ws of this.sockets) ws.terminate()
    await this.server.stop(true)
  }

  private pushKlines(ws: ServerWebSocket<SocketData>, id: string, interval: string, before: number): void {
    const tfMs = BINANCE_INTERVALS[interval]!
    const prevOpen = Math.floor(before / tfMs) * tfMs
    const currentOpen = Math.floor(this.market.now / tfMs) * tfMs
    const key = `${id}@${interval}`
    const armed = this.faults.candleGaps.get(key)
    if (armed !== undefined) {
      // the open candle never gets its final frame, and the next `armed` candles are never sent
      this.faults.candleGaps.delete(key)
      this.gapRanges.set(key, { from: prevOpen, to: prevOpen + armed * tfMs })
      this.faults.injected.gaps++
    }
    const range = this.gapRanges.get(key)
    const skipped = (t: number) => range !== undefined && t >= range.from && t <= range.to
    for (let t = prevOpen; t < currentOpen; t += tfMs) {
      if (!skipped(t)) this.send(ws, klineFrame(this.market, id, interval, this.market.kline(id, tfMs, t)))
    }
    if (!skipped(currentOpen))
      this.send(ws, klineFrame(this.market, id, interval, this.market.kline(id, tfMs, currentOpen)))
  }

  private send(ws: ServerWebSocket<SocketData>, frame: unknown): void {
    if (this.faults.malformedWsFrames > 0) {
      this.faults.malformedWsFrames--
      this.faults.injected.malformedWs++
      ws.send('{"e":"kline","E":')
      return
    }
    this.ws.framesSent++
    ws.send(JSON.stringify(frame))
  }

  private onWsMessage(ws: ServerWebSocket<SocketData>, text: string): void {
    if (isBybitWsPath(ws.data.path)) return this.onBybitMessage(ws, text)
    let msg: { method?: string; params?: Array<string>; id?: number }
    try {
      msg = JSON.parse(text)
    } catch {
      ws.send(JSON.stringify({ error: { code: 2, msg: "Invalid JSON" } }))
      return
    }
    const params = msg.params ?? []
    if (msg.method === "SUBSCRIBE") {
      for (const p of params) ws.data.streams.add(p)
      this.ws.subscribes += params.length
      this.subscribeLog.push(...params)
    } else if (msg.method === "UNSUBSCRIBE") {
      for (const p of params) ws.data.streams.delete(p)
      this.ws.unsubscribes += params.length
      this.unsubscribeLog.push(...params)
    }
    ws.send(JSON.stringify({ result: null, id: msg.id }))
    this.notify()
  }

  private onBybitMessage(ws: ServerWebSocket<SocketData>, text: string): void {
    const { reply, subscribe = [], unsubscribe = [] } = bybitControl(text)
    for (const topic of subscribe) ws.data.streams.add(topic)
    for (const topic of unsubscribe) ws.data.streams.delete(topic)
    this.ws.subscribes += subscribe.length
    this.ws.unsubscribes += unsubscribe.length
    this.subscribeLog.push(...subscribe)
    this.unsubscribeLog.push(...unsubscribe)
    ws.send(JSON.stringify(reply))
    for (const frame of bybitSubscribeFrames(this.market, subscribe)) this.send(ws, frame)
    this.notify()
  }

  private async handle(req: Request, server: Server<SocketData>): Promise<Response | undefined> {
    const url = new URL(req.url)
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
      if (this.faults.refuseWs) {
        this.ws.refused++
        this.notify()
        return new Response("service unavailable", { status: 503 })
      }
      if (server.upgrade(req, { data: { streams: new Set<string>(), path: url.pathname } })) return undefined
      return new Response("upgrade failed", { status: 400 })
    }
    if (url.pathname === "/__stats") return Response.json(this.statsSnapshot())
    const fault = this.faults.take(url.pathname)
    const spot = url.pathname.startsWith("/api/v3/")
    if (spot) this.spotWeight.add(performance.now(), binanceSpotWeight(url.pathname, url.searchParams))
    const record = (status: number, kind?: string) => {
      this.requests.push({ path: url.pathname, query: url.search, status, fault: kind })
      if (this.requests.length > 50_000) this.requests.splice(0, 10_000)
      this.notify()
    }
    if (fault?.kind === "status") {
      record(fault.status, "status")
      const headers: Record<string, string> = { "content-type": "application/json" }
      if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter)
      return new Response(
        fault.body ??
          JSON.stringify({ code: -1001, msg: "Internal error; unable to process your request. Please try again." }),
        { status: fault.status, headers },
      )
    }
    if (fault?.kind === "respond") {
      record(fault.status, "respond")
      return Response.json(fault.body, { status: fault.status })
    }
    if (fault?.kind === "hang") {
      record(0, "hang")
      await new Promise<void>((resolve) => {
        const release = () => resolve()
        this.held.add(release)
        setTimeout(() => {
          this.held.delete(release)
          resolve()
        }, fault.ms)
      })
    }
    let result: RestResult
    try {
      result =
        binanceRest(this.market, this.binance, url.pathname, url.searchParams) ??
        bybitRest(this.market, this.bybit, url.pathname, url.searchParams)
    } catch (e) {
      result = { status: 500, body: { code: -1000, msg: String(e) } }
    }
    if (!result) result = { status: 404, body: { code: -1000, msg: `no route ${url.pathname}` } }
    if (fault?.kind === "malformed") {
      record(200, "malformed")
      return new Response('{"symbol":"BTCUSDT","truncated', {
        status: 200,
        headers: { "content-type": "application/json" },
      })
    }
    if (fault?.kind !== "hang") record(result.status)
    const headers = spot
      ? { "x-mbx-used-weight-1m": String(this.spotWeight.usedInLast(60_000, performance.now())) }
      : undefined
    return Response.json(result.body, { status: result.status, ...(headers ? { headers } : {}) })
  }

  private notify(): void {
    for (const check of [...this.waiters]) check()
  }
}

/** Starts a server; remember to `await server.stop()`. */
export const startExchangeServer = (options: ExchangeServerOptions): ExchangeServer =>
  new ExchangeServer(options).start()

/** The ccxt `urls` override for binance with REST at `httpPort` and the websockets at `wsPort`. */
export const binanceUrlsAt = (httpPort: number, wsPort: number) => {
  const h = `http://127.0.0.1:${httpPort}`
  const wsHost = `ws://127.0.0.1:${wsPort}`
  return {
    api: {
      public: `${h}/api/v3`,
      private: `${h}/api/v3`,
      v1: `${h}/api/v1`,
      fapiPublic: `${h}/fapi/v1`,
      fapiPublicV2: `${h}/fapi/v2`,
      fapiData: `${h}/futures/data`,
      dapiPublic: `${h}/dapi/v1`,
      dapiData: `${h}/futures/data`,
      ws: {
        spot: `${wsHost}/stream/ws`,
        margin: `${wsHost}/stream/ws`,
        future: `${wsHost}/fws`,
        delivery: `${wsHost}/dws`,
      },
    },
  }
}
