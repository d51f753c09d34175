/**
 * @module What the HTTP layer needs from the rest of Virtuoso, as plain async functions.
 *
 * The Hono app never imports another service: `http-server.ts` bridges real services into
 * this shape, tests pass in-memory implementations. Every group except `log` is optional; an
 * absent group answers 404 `{"error":"not_enabled"}` (503 for health/readiness).
 *
 * A dependency signals a client mistake by rejecting with `HttpInputError` (→ 400), a missing
 * thing with `HttpNotFoundError` (→ 404) and a temporarily unavailable backend with
 * `HttpUnavailableError` (→ 503); any other rejection is a defect (→ 500, logged).
 */
import type { Timeframe } from "../market-schema/index.ts"
import type { SymbolDeps } from "./symbol/deps.ts"

/** JSON-serialisable data passed through to clients untouched. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json | undefined }

/**
 * `T` when every value in it is JSON data, `never` otherwise (a function, a `Date`, a `Map`, a
 * bigint anywhere inside). Interfaces qualify: they are plain data but, having no index signature,
 * are not assignable to `Json`'s object form. `unknown` passes: it is the extra fields of a loose
 * event payload, which was itself decoded from JSON.
 */
export type JsonShaped<T> = unknown extends T
  ? T
  : T extends null | boolean | number | string | undefined
    ? T
    : T extends ReadonlyArray<infer E>
      ? ReadonlyArray<JsonShaped<E>>
      : T extends (...args: never) => unknown
        ? never
        : T extends object
          ? { readonly [K in keyof T]: JsonShaped<T[K]> }
          : never

/** A service's plain-data answer (an interface, a payload) as `Json`; `T` is checked to be JSON data. */
export const toJson = <T>(value: T & JsonShaped<T>): Json =>
  // The parameter's type is the check; TypeScript cannot relate a generic `T` to `Json` itself.
  value as unknown as Json

/** Latest confluence of one symbol on one timeframe. */
export interface ConfluenceSnapshot {
  /** Canonical ccxt symbol, e.g. "BTC/USDT". */
  readonly symbol: string
  readonly timeframe: Timeframe | "all"
  /** 0..100, 50 neutral; `null` when unavailable (never a made-up 50). */
  readonly score: number | null
  /** Component name → score (0..100) or `null` when that component is unavailable. */
  readonly components: Readonly<Record<string, number | null>>
  /** When it was computed, ms since epoch. */
  readonly time: number
  /** Anything else worth showing (per-indicator values, weights...). */
  readonly details?: Json | undefined
}

/** A symbol's snapshots plus `{symbol, items, count}` already serialised. */
export interface SymbolSnapshots {
  readonly items: ReadonlyArray<ConfluenceSnapshot>
  readonly body: string
}

/** One page of a cursor-paginated query; `nextCursor` is opaque, `null` on the last page. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

export interface EventQuery {
  /** Exact type (`signal.emitted`) or a prefix pattern (`market.*`). */
  readonly type?: string | undefined
  readonly symbol?: string | undefined
  /** Inclusive lower / exclusive upper bound, ms since epoch. */
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly limit: number
  readonly cursor?: string | undefined
  /** @default "asc" (oldest first) */
  readonly order?: "asc" | "desc" | undefined
}

interface SignalQuery {
  readonly symbol?: string | undefined
  /** A timeframe, or "all" for signals on the multi-timeframe roll-up. */
  readonly timeframe?: Timeframe | "all" | undefined
  /** Signal kind / direction token as the signal engine names it (e.g. "long", "short"). */
  readonly kind?: string | undefined
  readonly from?: number | undefined
  readonly to?: number | undefined
  readonly limit: number
  readonly cursor?: string | undefined
  /** @default "desc" (newest first) */
  readonly order?: "asc" | "desc" | undefined
}

interface DlqQuery {
  readonly limit: number
  readonly cursor?: string | undefined
}

interface ReplayResult {
  readonly replayed: ReadonlyArray<string>
  readonly missing: ReadonlyArray<string>
  /** Present but not re-delivered: no such subscriber now, or an event that still does not decode. */
  readonly kept: ReadonlyArray<{ readonly id: string; readonly reason: string }>
}

interface DiscardResult {
  readonly discarded: ReadonlyArray<string>
  readonly missing: ReadonlyArray<string>
}

/** The body of a health answer plus the status it maps to (`healthHttpStatus`). */
interface HealthAnswer {
  readonly status: 200 | 503
  readonly body: Json
}

/** A message on `/v1/stream`; `event` becomes the SSE event name. */
export interface StreamMessage {
  readonly event: "confluence" | "signal" | "health"
  readonly data: Json | ConfluenceSnapshot
}

export type LogLevel = "debug" | "info" | "warn" | "error"

export interface HttpDeps extends SymbolDeps {
  /** Where the app reports defects and notable events (bridged to Effect's logger). */
  readonly log: (level: LogLevel, message: string, annotations?: Readonly<Record<string, unknown>>) => void
  readonly confluence?: {
    /** Latest snapshot of every symbol × timeframe. */
    readonly list: () => Promise<ReadonlyArray<ConfluenceSnapshot>>
    /**
     * One symbol's snapshots and the serialised unfiltered answer, built once per update;
     * undefined while it has no score. Without it the route filters `list()`.
     */
    readonly forSymbol?: (symbol: string) => Promise<SymbolSnapshots | undefined>
    /** Symbols being tracked (a tracked symbol without a score yet is 200 with no items, not 404). */
    readonly symbols?: () => Promise<ReadonlyArray<string>>
  }
  readonly health?: {
    readonly report: () => Promise<HealthAnswer>
    readonly live: () => Promise<HealthAnswer>
    readonly ready: () => Promise<HealthAnswer>
  }
  readonly metrics?: {
    /** Prometheus text exposition. */
    readonly render: () => Promise<string>
    /** Records one answered request (route = matched pattern). */
    readonly observeRequest?: (route: string, method: string, status: number, seconds: number) => void
  }
  readonly events?: { readonly query: (query: EventQuery) => Promise<Page<Json>> }
  readonly signals?: { readonly query: (query: SignalQuery) => Promise<Page<Json>> }
  readonly plugins?: { readonly list: () => Promise<ReadonlyArray<Json>> }
  readonly dlq?: {
    readonly list: (query: DlqQuery) => Promise<Page<Json>>
    readonly replay: (ids: ReadonlyArray<string>) => Promise<ReplayResult>
    /** Takes letters off the queue undelivered (ones that will never decode or are not wanted). */
    readonly discard: (ids: ReadonlyArray<string>) => Promise<DiscardResult>
  }
  /**
   * Runs one request inside a server span; `handle` answers the matched route and status for its
   * attributes. Present only when tracing is on, so requests cost nothing extra otherwise.
   */
  readonly traceRequest?: (
    method: string,
    path: string,
    handle: () => Promise<{ readonly route: string; readonly status: number }>,
  ) => Promise<void>
  readonly stream?: {
    /** Calls `onMessage` for every update until the returned function is called. */
    readonly subscribe: (onMessage: (message: StreamMessage) => void) => () => void
  }
}
