/**
 * @module Guards ccxt.pro's message path (per instance).
 *
 * ccxt 4.5.84 logs a frame that fails `JSON.parse` with `console.log` and then passes the raw
 * string to the exchange's `handleMessage`, whose `'a' in message` throws a TypeError out of the
 * socket callback — under Bun that kills the process (reproduced against the local server).
 * Here a non-object frame is counted and dropped, a throwing handler is counted and contained,
 * and the clients' console logging is turned off (it would bypass our logger). The one text frame
 * that passes is a bare `pong`: exchanges with text keep-alives (OKX) answer ccxt's `ping` with it,
 * and ccxt closes a connection whose pongs stop arriving.
 */

export interface WsCounters {
  /** Frames that were not JSON objects (malformed JSON), dropped. */
  malformedFrames: number
  /** Frames whose ccxt handler threw; the socket stays up. */
  handlerErrors: number
}

/** Marks a ccxt client already guarded (a registered symbol, so a reloaded module sees it too). */
const GUARDED: unique symbol = Symbol.for("virtuoso.ccxt.guarded")

interface HookableWsExchange {
  handleMessage: (client: unknown, message: unknown) => unknown
  client: (
    url: string,
    ...rest: Array<unknown>
  ) => { log?: (...args: Array<unknown>) => void; [GUARDED]?: true } & Record<string, unknown>
}

export const installWsHook = (exchange: HookableWsExchange, counters: WsCounters): void => {
  const handle = exchange.handleMessage.bind(exchange)
  exchange.handleMessage = (client, message) => {
    if (message === null || (typeof message !== "object" && message !== "pong")) {
      counters.malformedFrames++
      return undefined
    }
    try {
      return handle(client, message)
    } catch {
      counters.handlerErrors++
      return undefined
    }
  }
  const makeClient = exchange.client.bind(exchange)
  exchange.client = (url, ...rest) => {
    const client = makeClient(url, ...rest)
    if (client[GUARDED] !== true) {
      client[GUARDED] = true
      client.log = () => undefined
    }
    return client
  }
}
