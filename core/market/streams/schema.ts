/**
 * @module Shapes of supervised market streams: what a stream is (spec), how it is supervised
 * (options), what it reports (status, events).
 */
import type { Effect, Schedule } from "effect"
import type { ExchangeError } from "../../resilience/index.ts"
import type { Timeframe } from "../../market-schema/index.ts"

export type StreamKind = "ohlcv" | "orderbook" | "trades" | "liquidations"
export type StreamSource = "stream" | "poll"

/** One market stream: a websocket `watch` (optional) with a REST `poll` that returns the same shape. */
export interface StreamSpec<A> {
  readonly symbol: string
  readonly kind: StreamKind
  readonly timeframe?: Timeframe
  /** Next update, ccxt.pro semantics (resolves per message, rejects when the socket drops). */
  readonly watch?: () => Promise<A>
  /** REST fallback, used when streaming is unavailable or keeps failing. */
  readonly poll: () => Promise<A>
  /**
   * Earliest clock time (ms) at which REST can have data this stream has not got — for candles,
   * the close of the next candle by the exchange's clock. The REST cover polls no sooner than
   * this, and no sooner than `pollEveryMs` after the last update.
   */
  readonly nextDataAt?: () => number
  /** The same poll as an Effect (e.g. through the ExchangeGuard); used instead of `poll` when set. */
  readonly pollEffect?: Effect.Effect<A, unknown>
  /** Unsubscribe this stream so the next `watch` subscribes afresh (first answer to staleness). */
  readonly resubscribe?: () => Promise<void>
  /** Drop the connection(s) so the next `watch` reconnects (answer to repeated staleness). */
  readonly reconnect?: () => Promise<void>
  /** Unsubscribe for good, when the stream is stopped (symbol dropped). */
  readonly unWatch?: () => Promise<void>
  /** Consumer; must not fail (a failing consumer is logged, the stream keeps going). */
  readonly onData: (value: A, source: StreamSource) => Effect.Effect<void>
}

export interface SupervisorOptions {
  /** No message for this long on a live stream = stale. Per kind (quiet markets trade rarely). */
  readonly staleAfterMs: Readonly<Record<StreamKind, number>>
  /** Reconnect backoff, fed the classified error; when it stops, the stream falls back to polling. */
  readonly reconnect: Schedule.Schedule<unknown, ExchangeError>
  /** REST cadence while the websocket is not live, per kind (candles: not before `nextDataAt`). */
  readonly pollEveryMs: Readonly<Record<StreamKind, number>>
  /** After the reconnect schedule gives up (or a non-retryable error), rest the websocket this long. */
  readonly retryStreamAfterMs: number
  /** Errors any exchange call threw → one ExchangeError (default: `classifyCcxtError`). */
  readonly classify: (error: unknown, operation: string) => ExchangeError
}

/**
 * starting: first connection under way; streaming: the websocket is live; backoff: reconnecting;
 * polling: REST only (no websocket, or resting it after repeated failures). In every mode but
 * streaming (and stopped) the REST cover polls the stream's data when due.
 */
export type StreamMode = "starting" | "streaming" | "backoff" | "polling" | "stopped"

/** Observable state of one stream (its key: `symbol|kind[|timeframe]`). */
export interface StreamStatus {
  readonly key: string
  readonly symbol: string
  readonly kind: StreamKind
  readonly timeframe: Timeframe | undefined
  readonly mode: StreamMode
  /** Clock ms of the last update from either source; undefined before the first. */
  readonly lastMessageAt: number | undefined
  readonly messages: number
  readonly polls: number
  readonly reconnects: number
  readonly staleEvents: number
  /** Errors by reason tag (`Network`, `RateLimited`, `BadResponse`, ...). */
  readonly errors: Readonly<Record<string, number>>
  /** Consecutive failures since the last good message. */
  readonly failures: number
  /** The most recent failure (`Reason: message`), kept after recovery for diagnosis. */
  readonly lastError?: string
  readonly startedAt: number
}

export type StreamEvent =
  | { readonly _tag: "Data"; readonly key: string; readonly source: StreamSource }
  | { readonly _tag: "Stale"; readonly key: string; readonly action: "resubscribe" | "reconnect" }
  | { readonly _tag: "Failed"; readonly key: string; readonly reason: string; readonly message: string }
  | { readonly _tag: "Backoff"; readonly key: string; readonly delayMs: number }
  | { readonly _tag: "Fallback"; readonly key: string; readonly why: string }
  | { readonly _tag: "Resumed"; readonly key: string }
  | { readonly _tag: "Stopped"; readonly key: string }

export const streamKey = (spec: { symbol: string; kind: StreamKind; timeframe?: Timeframe | undefined }): string =>
  spec.timeframe ? `${spec.symbol}|${spec.kind}|${spec.timeframe}` : `${spec.symbol}|${spec.kind}`
