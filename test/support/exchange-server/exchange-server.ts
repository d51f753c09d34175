/**
 * @module A local exchange: one Bun.serve answering Binance REST (`/api/v3`, `/fapi/v1`,
 * `/futures/data`), Bybit v5 REST (`/v5/market`), OKX v5 REST (`/api/v5`) and each exchange's
 * websocket protocol on its own paths (`ws-venue.ts`: Bybit on `/v5/public/*`, OKX on `/ws/v5/*`,
 * Binance on any other path).
 *
 * Market data is generated (see `market.ts`) on top of the instruments in ccxt's recorded market
 * fixtures. Time only moves through `advance()` (or the optional auto-ticker for end-to-end runs),
 * and every state change wakes `waitFor()` waiters, so tests await conditions instead of sleeping.
 */
import type { Server, ServerWebSocket } from "bun"
import { binanceRest } from "./binance.ts"
import { WeightMeter } from "./binance-weights.ts"
import { bybitRest } from "./bybit.ts"
import { type ExchangeFixtures, exchanges } from "./exchanges.ts"
import { FaultSwitches } from "./faults.ts"
import { GeneratedMarket } from "./market.ts"
import { okxRest } from "./okx.ts"
import { answerRest, type RequestRecord } from "./rest-handler.ts"
import { binanceUrlsAt, bybitUrlsAt, okxUrlsAt } from "./urls.ts"
import { isAck, type WsVenue } from "./ws-venue.ts"

export type { RequestRecord } from "./rest-handler.ts"

/** ccxt markets fixtures per exchange (`binanceMarkets` required) and extra generated spot pairs. */
export interface ExchangeServerOptions extends ExchangeFixtures {
  /** Server clock start, ms. Default: a fixed instant so runs are reproducible. */
  readonly now?: number
  /** End-to-end runs: advance the clock with real time every `ms` and push stream updates. */
  readonly autoTickMs?: number
  readonly port?: number
}

interface SocketData {
  readonly streams: Set<string>
  readonly path: string
  readonly venue: WsVenue
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
  /** Websocket protocols, most specific path first (Binance owns whatever is left). */
  private readonly venues: ReadonlyArray<WsVenue>
  /** Recorded exchange messages still to send, per topic (`replay`). */
  private readonly recorded = new Map<string, Array<unknown>>()
  private readonly rest
  private server!: Server<SocketData>
  private readonly extra: Array<Server<SocketData>> = []
  private ticker: ReturnType<typeof setInterval> | undefined

  constructor(readonly options: ExchangeServerOptions) {
    this.market = new GeneratedMarket(options.now ?? DEFAULT_NOW)
    const { binance, bybit, okx, venues } = exchanges(this.market, this.faults, options)
    this.venues = venues
    this.rest = {
      faults: this.faults,
      routers: [
        (path: string, q: URLSearchParams) => binanceRest(this.market, binance, path, q),
        (path: string, q: URLSearchParams) => bybitRest(this.market, bybit, path, q),
        (path: string, q: URLSearchParams) => okxRest(this.market, okx, path, q),
      ],
      spotWeight: this.spotWeight,
      held: this.held,
      record: (r: RequestRecord) => {
        this.requests.push(r)
        if (this.requests.length > 50_000) this.requests.splice(0, 10_000)
        this.notify()
      },
    }
  }

  start(): this {
    this.server = this.serve(this.options.port ?? 0)
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

  /** Answer on `port` as well, e.g. a websocket port that was closed until now ("the firewall opens"). */
  listenAlso(port: number): void {
    this.extra.push(this.serve(port))
  }

  private serve(port: number): Server<SocketData> {
    return Bun.serve<SocketData>({
      port,
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
   * The ccxt `urls` overrides pointing each exchange's public REST and websocket families at this
   * server; with `wsPort`, the websocket families point at that port instead (e.g. a closed one).
   */
  binanceUrls(options: { readonly wsPort?: number } = {}) {
    return binanceUrlsAt(this.port, options.wsPort ?? this.port)
  }
  bybitUrls(options: { readonly wsPort?: number } = {}) {
    return bybitUrlsAt(this.port, options.wsPort ?? this.port)
  }
  okxUrls(options: { readonly wsPort?: number } = {}) {
    return okxUrlsAt(this.port, options.wsPort ?? this.port)
  }

  /**
   * Serve a recorded exchange session (ccxt's websocket fixtures) on `topic` instead of generated
   * data: a subscribe is answered by the recording alone, and each `advance()` sends its next
   * messages up to and including the next data message (acks go out with the data they precede).
   */
  replay(topic: string, messages: ReadonlyArray<unknown>): void {
    this.recorded.set(topic, [...messages])
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
   * Move the clock and push updates to subscribed streams: for each candle stream, every candle
   * that closed (minus any configured gap) then the open one; one book update per book stream;
   * `trades` trades per trade stream. Streams in `faults.silentStreams` get nothing.
   */
  advance(ms: number, opts: { trades?: number } = {}): void {
    const before = this.market.now
    this.market.now += ms
    if (this.faults.silent) return this.notify()
    for (const ws of this.sockets) {
      for (const topic of ws.data.streams) this.sendRecorded(ws, topic)
      const topics = [...ws.data.streams].filter((t) => !this.faults.silentStreams.has(t) && !this.recorded.has(t))
      for (const frame of ws.data.venue.advanceFrames(topics, before, opts.trades ?? 0)) this.send(ws, frame)
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
    await Promise.all([this.server, ...this.extra].map((server) => server.stop(true)))
  }

  private send(ws: ServerWebSocket<SocketData>, frame: unknown): void {
    if (this.faults.malformedWsFrames > 0) {
      this.faults.malformedWsFrames--
      this.faults.injected.malformedWs++
      ws.send('{"e":"kline","E":')
      return
    }
    this.ws.framesSent++
    ws.send(typeof frame === "string" ? frame : JSON.stringify(frame))
  }

  private sendRecorded(ws: ServerWebSocket<SocketData>, topic: string): void {
    const queue = this.recorded.get(topic)
    while (queue && queue.length > 0) {
      const message = queue.shift()!
      this.send(ws, message)
      if (!isAck(message)) break
    }
  }

  private onWsMessage(ws: ServerWebSocket<SocketData>, text: string): void {
    const control = ws.data.venue.control(text)
    const { subscribe = [], unsubscribe = [] } = control
    // a recording carries its own acks
    const replies = subscribe.length > 0 && subscribe.every((t) => this.recorded.has(t)) ? [] : control.replies
    for (const topic of subscribe) ws.data.streams.add(topic)
    for (const topic of unsubscribe) ws.data.streams.delete(topic)
    this.ws.subscribes += subscribe.length
    this.ws.unsubscribes += unsubscribe.length
    this.subscribeLog.push(...subscribe)
    this.unsubscribeLog.push(...unsubscribe)
    for (const reply of replies) ws.send(typeof reply === "string" ? reply : JSON.stringify(reply))
    const generated = subscribe.filter((t) => !this.recorded.has(t))
    for (const frame of ws.data.venue.subscribeFrames(generated)) this.send(ws, frame)
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
      const venue = this.venues.find((v) => v.owns(url.pathname))!
      if (server.upgrade(req, { data: { streams: new Set<string>(), path: url.pathname, venue } })) return undefined
      return new Response("upgrade failed", { status: 400 })
    }
    if (url.pathname === "/__stats") return Response.json(this.statsSnapshot())
    return answerRest(this.rest, url)
  }

  private notify(): void {
    for (const check of [...this.waiters]) check()
  }
}

/** Starts a server; remember to `await server.stop()`. */
export const startExchangeServer = (options: ExchangeServerOptions): ExchangeServer =>
  new ExchangeServer(options).start()
