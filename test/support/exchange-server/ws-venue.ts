/**
 * @module One exchange's websocket protocol on the local server: which socket paths it owns, how
 * it answers client messages (subscribe / unsubscribe / ping) and which frames its topics get
 * when a subscription starts and when the clock moves. The server owns sockets, faults and sending.
 */

/** What a client message does: replies to send (a string is sent as is), topics it adds or drops. */
export interface ControlResult {
  readonly replies: ReadonlyArray<unknown>
  readonly subscribe?: ReadonlyArray<string>
  readonly unsubscribe?: ReadonlyArray<string>
}

export interface WsVenue {
  readonly name: string
  /** Does a socket opened on `path` speak this protocol? */
  readonly owns: (path: string) => boolean
  readonly control: (text: string) => ControlResult
  /** Frames a new subscription gets at once (e.g. an order book snapshot). */
  readonly subscribeFrames: (topics: ReadonlyArray<string>) => Array<unknown>
  /** Frames for a socket's topics after the clock moved from `before`; `trades` per trade topic. */
  readonly advanceFrames: (topics: ReadonlyArray<string>, before: number, trades: number) => Array<unknown>
}

/** Subscription acks of the three protocols (OKX `event`, Bybit `op`/`success`, Binance `result` + `id`). */
export const isAck = (message: unknown): boolean =>
  typeof message === "object" &&
  message !== null &&
  ("event" in message || "success" in message || ("result" in message && "id" in message))
