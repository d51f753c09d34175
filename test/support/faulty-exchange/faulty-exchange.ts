/**
 * @module A small local Binance-like exchange (REST subset + spot trade websocket) that injects
 * faults on command, for the resilience fault-injection suite. Real ccxt talks to it over
 * real HTTP/WS on 127.0.0.1.
 *
 * REST: /api/v3/ping, /api/v3/time, /api/v3/ticker/price, /api/v3/ticker/24hr, /api/v3/klines,
 * /api/v3/depth, /api/v3/aggTrades (bodies from ccxt's recorded responses).
 * WS: ws://host/stream/ws (the `/stream` keeps ccxt.pro binance on spot), SUBSCRIBE → ack,
 * `pushTrade()` sends a trade frame to every subscriber, `dropWebSockets()` kills them.
 *
 * Faults (queue, first match wins; `times` = how many requests it hits, default until cleared):
 *   { kind: "status", status: 429 | 418 | 500 | 502 | 503 | ..., retryAfterSec? }
 *   { kind: "slow", delayMs }           answers normally after delayMs (or on clear/stop)
 *   { kind: "reset" }                   closes the connection with no response (ECONNRESET);
 *                                       Bun's fetch retries one reset on a reused socket by
 *                                       itself, so `times: 2` fails one call
 *   { kind: "malformed" }               200 with broken JSON
 *   { kind: "empty" }                   200 with an empty body
 * Control by handle methods or over HTTP: POST /__faults (JSON Fault), DELETE /__faults,
 * POST /__ws/drop.
 */
import markets from "../../fixtures/ccxt/resilience/binance-markets-spot.json" with { type: "json" }
import { restBody, statusBody, syntheticBody } from "./responses.ts"
import { makeSyntheticMarket } from "./synthetic.ts"

export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfterSec?: number; readonly body?: string }
  | { readonly kind: "slow"; readonly delayMs: number }
  | { readonly kind: "reset" }
  | { readonly kind: "malformed" }
  | { readonly kind: "empty" }

export interface FaultRule {
  readonly fault: Fault
  /** Only requests whose path starts with this (e.g. "/api/v3/klines"). Default: every REST path. */
  readonly path?: string
  /** Requests it applies to; default: until `clear()`. */
  readonly times?: number
}

export interface RequestRecord {
  readonly path: string
  /** The fault applied, if any. */
  readonly fault: Fault["kind"] | undefined
}

export interface FaultyExchange {
  readonly url: string
  readonly wsUrl: string
  /**
   * ccxt `urls.api` overrides for binance: spot REST + WS, and every other public section
   * pointed here too (unknown paths answer 400 at once, so nothing tries the real exchange).
   */
  readonly ccxtUrls: { readonly public: string; readonly ws: { readonly spot: string } } & Record<string, unknown>
  readonly markets: typeof markets
  readonly inject: (rule: FaultRule | Fault) => void
  /** Remove every fault and release held (slow) requests. */
  readonly clear: () => void
  readonly requests: ReadonlyArray<RequestRecord>
  /** Resolves once the server has seen `n` REST requests in total. */
  readonly waitForRequests: (n: number) => Promise<void>
  readonly wsClients: () => number
  /** SUBSCRIBE messages received so far. */
  readonly subscribes: () => number
  /** Resolves once `n` websocket SUBSCRIBE messages arrived in total. */
  readonly waitForSubscribes: (n: number) => Promise<void>
  readonly pushTrade: (price?: number) => void
  readonly dropWebSockets: () => void
  readonly stop: () => Promise<void>
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { ...init, headers: { "content-type": "application/json", ...init.headers } })

let tradeId = 1_000_000

export interface FaultyExchangeOptions {
  /**
   * Serve generated data (any interval, since, limit) on a server clock running `timeScale`
   * times faster than the wall clock, instead of the recorded fixtures. For whole-engine runs.
   */
  readonly synthetic?: { readonly timeScale?: number }
}

interface WsData {
  subscribed: boolean
}

export const startFaultyExchange = (options: FaultyExchangeOptions = {}): FaultyExchange => {
  const synthetic = options.synthetic === undefined ? undefined : makeSyntheticMarket(options.synthetic.timeScale ?? 1)
  const rules: Array<{ rule: FaultRule; left: number }> = []
  const requests: Array<RequestRecord> = []
  const held = new Set<() => void>()
  const requestWaiters: Array<{ n: number; resolve: () => void }> = []
  const subscribeWaiters: Array<{ n: number; resolve: () => void }> = []
  let subscribes = 0
  const sockets = new Set<import("bun").ServerWebSocket<WsData>>()

  const notify = (waiters: Array<{ n: number; resolve: () => void }>, count: number) => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (count >= waiters[i].n) {
        waiters[i].resolve()
        waiters.splice(i, 1)
      }
    }
  }
  const waitFor = (waiters: Array<{ n: number; resolve: () => void }>, current: () => number) => (n: number) =>
    new Promise<void>((resolve) => {
      if (current() >= n) resolve()
      else waiters.push({ n, resolve })
    })

  const take = (path: string): Fault | undefined => {
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]
      if (r.rule.path !== undefined && !path.startsWith(r.rule.path)) continue
      if (--r.left <= 0) rules.splice(i, 1)
      return r.rule.fault
    }
    return undefined
  }

  const control = async (req: Request, path: string): Promise<Response | undefined> => {
    if (path === "/__faults" && req.method === "POST") {
      api.inject((await req.json()) as FaultRule)
      return json({ ok: true })
    }
    if (path === "/__faults" && req.method === "DELETE") {
      api.clear()
      return json({ ok: true })
    }
    if (path === "/__ws/drop" && req.method === "POST") {
      api.dropWebSockets()
      return json({ ok: true })
    }
    return undefined
  }

  const server = Bun.serve<WsData>({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req, srv) {
      const url = new URL(req.url)
      const path = url.pathname
      if (path.startsWith("/stream")) {
        return srv.upgrade(req, { data: { subscribed: false } })
          ? undefined
          : new Response("upgrade failed", { status: 400 })
      }
      if (path.startsWith("/__")) return (await control(req, path)) ?? new Response("not found", { status: 404 })
      const body =
        synthetic === undefined ? restBody(path, Date.now()) : syntheticBody(synthetic, path, url.searchParams)
      const fault = take(path)
      requests.push({ path, fault: fault?.kind })
      notify(requestWaiters, requests.length)
      if (fault !== undefined) {
        switch (fault.kind) {
          case "status":
            return new Response(fault.body ?? statusBody(fault.status), {
              status: fault.status,
              headers: {
                "content-type": fault.status >= 500 ? "text/html" : "application/json",
                ...(fault.retryAfterSec === undefined ? {} : { "retry-after": String(fault.retryAfterSec) }),
              },
            })
          case "reset":
            // Erroring the body stream with no reason aborts the socket: the client sees ECONNRESET.
            return new Response(new ReadableStream({ start: (c) => c.error() }))
          case "malformed":
            return new Response('{"symbol":"BTCUSDT","lastPrice":"7336', {
              headers: { "content-type": "application/json" },
            })
          case "empty":
            return new Response("", { headers: { "content-type": "application/json" } })
          case "slow":
            await new Promise<void>((resolve) => {
              const release = () => {
                clearTimeout(timer)
                held.delete(release)
                resolve()
              }
              const timer = setTimeout(release, fault.delayMs)
              held.add(release)
            })
        }
      }
      return body === undefined ? json({ code: -1121, msg: "Invalid symbol." }, { status: 400 }) : json(body)
    },
    websocket: {
      open(ws) {
        sockets.add(ws)
      },
      message(ws, message) {
        const msg = JSON.parse(String(message)) as { method?: string; id?: number }
        if (msg.method === "SUBSCRIBE") {
          ws.data.subscribed = true
          ws.send(JSON.stringify({ result: null, id: msg.id }))
          subscribes++
          notify(subscribeWaiters, subscribes)
        }
      },
      close(ws) {
        sockets.delete(ws)
      },
    },
  })

  const base = `http://127.0.0.1:${server.port}`
  const api: FaultyExchange = {
    url: base,
    wsUrl: `ws://127.0.0.1:${server.port}/stream/ws`,
    ccxtUrls: {
      public: `${base}/api/v3`,
      private: `${base}/api/v3`,
      sapi: `${base}/sapi/v1`,
      fapiPublic: `${base}/fapi/v1`,
      fapiPublicV2: `${base}/fapi/v2`,
      fapiData: `${base}/futures/data`,
      dapiPublic: `${base}/dapi/v1`,
      dapiData: `${base}/futures/data`,
      eapiPublic: `${base}/eapi/v1`,
      ws: { spot: `ws://127.0.0.1:${server.port}/stream/ws` },
    },
    markets,
    inject: (ruleOrFault) => {
      const rule: FaultRule = "kind" in ruleOrFault ? { fault: ruleOrFault } : ruleOrFault
      rules.push({ rule, left: rule.times ?? Infinity })
    },
    clear: () => {
      rules.length = 0
      for (const release of [...held]) release()
    },
    requests,
    waitForRequests: waitFor(requestWaiters, () => requests.length),
    wsClients: () => sockets.size,
    subscribes: () => subscribes,
    waitForSubscribes: waitFor(subscribeWaiters, () => subscribes),
    pushTrade: (price = 43100.01) => {
      const t = Date.now()
      const frame = JSON.stringify({
        e: "trade",
        E: t,
        s: "BTCUSDT",
        t: tradeId++,
        p: price.toFixed(2),
        q: "0.00120000",
        T: t,
        m: true,
        M: true,
      })
      for (const ws of sockets) if (ws.data.subscribed) ws.send(frame)
    },
    dropWebSockets: () => {
      for (const ws of [...sockets]) ws.terminate()
    },
    stop: async () => {
      api.clear()
      api.dropWebSockets()
      await server.stop(true)
    },
  }
  return api
}
