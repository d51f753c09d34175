/**
 * @module The messages between the host and a plugin worker.
 *
 * One `run` message per worker per batch (a batch is every evaluation asked for in one turn of
 * the host's event loop), made of typed arrays and a few strings: candle columns stay resident
 * in a SharedArrayBuffer arena the worker maps once (each context names the batch that last wrote
 * its window, so the worker copies only windows that changed); books, tapes and market data
 * travel only when they changed since the worker's last batch (a tape as its new trades, in shared
 * memory; books and market data as JSON);
 * declared input values are read from a shared block at each call's offset. Results go into the
 * worker's shared result block; the `done` message carries only what is rare (new value shapes,
 * reasons, errors).
 */
import type { Timeframe } from "../../market-schema/index.ts"
import type { ParamValue } from "../sdk.ts"

/** A module the worker should import: the entry file and the content version (cache-buster). */
export interface ModuleRef {
  readonly path: string
  readonly file: string
  readonly version: string
}

/** An indicator the worker runs: the module it comes from and the params the host resolved. */
export interface PluginRef extends ModuleRef {
  readonly params: Readonly<Record<string, ParamValue>>
  /** Declared inputs in the order the host writes their values: name, history length (0: none). */
  readonly inputs: ReadonlyArray<readonly [string, number]>
}

/**
 * Per context of a run, CONTEXT_INTS Int32 slots: series id, f64 index of the time column's first
 * candle in the arena, candle count, column stride (f64 distance from one column to the next),
 * the ids of its market data, book and tape (-1: absent), the arena version of the batch that
 * last wrote into the window, the f64 index (time column) of the first value that write touched,
 * and the version of the write before it (a worker whose copy is of that version copies only
 * from that index on).
 */
export const CONTEXT_INTS = 10
/** Per call, CALL_INTS Int32 slots: plugin index, context index, f64 offset of its declared inputs (-1: none). */
export const CALL_INTS = 3
/**
 * Per call in a worker's result block, RESULT_FLOATS f64 slots: status, score (NaN = null), µs,
 * values shape (-1: none), values offset.
 */
export const RESULT_FLOATS = 5

/** A series the worker has not seen yet: its id in the context records, symbol and timeframe. */
export interface SeriesDef {
  readonly id: number
  readonly symbol: string
  readonly timeframe: Timeframe
}

export type SharedKind = "market" | "orderbook" | "trades"

/**
 * A new version of one symbol's market data or book, as JSON; or of its tape: the trades in
 * `columns` (n time, n price, n amount as Float64, then n sides as bytes, 1 = taker buy) with
 * their ids (numbers or strings) as the JSON `text`. `drop` set: a tape tail (drop that many
 * trades from the head of the version the worker holds, append these); otherwise the whole tape.
 */
export interface SharedUpdate {
  readonly id: number
  readonly kind: SharedKind
  readonly version: number
  readonly text: string
  readonly columns?: SharedArrayBuffer
  readonly drop?: number
}

export type HostMessage =
  | { readonly type: "init"; readonly control: SharedArrayBuffer; readonly heapLimitMb: number }
  | {
      readonly type: "probe"
      readonly modules: ReadonlyArray<ModuleRef>
      /** Configured params by plugin name, to resolve an `inputs` declared as a function of them. */
      readonly params: Readonly<Record<string, Readonly<Record<string, ParamValue>> | undefined>>
    }
  | { readonly type: "load"; readonly plugins: ReadonlyArray<PluginRef> }
  | {
      readonly type: "run"
      readonly batch: number
      /** The candle arena, sent when the worker holds another one (new worker, arena grown). */
      readonly arena?: SharedArrayBuffer
      readonly series: ReadonlyArray<SeriesDef>
      readonly contexts: Int32Array
      readonly shared: ReadonlyArray<SharedUpdate>
      readonly calls: Int32Array
      /** The declared input values of the batch, at each call's offset (layout: `PluginRef.inputs`). */
      readonly inputs: SharedArrayBuffer
      /** Context fields beyond the standard ones (context index, fields), cloned. */
      readonly extra: ReadonlyArray<readonly [number, Readonly<Record<string, unknown>>]>
    }

/** What a probe found in one module: a validated plugin's declaration, or why not. */
export type ProbeResult =
  | {
      readonly ok: true
      readonly kind: "indicator" | "exchange"
      readonly declaration: Readonly<Record<string, unknown>>
    }
  | { readonly ok: false; readonly name: string | null; readonly message: string }

/** Per call: 0 ok (score, maybe values/reason), 1 failed (note = the problem). */
export const CALL_OK = 0
export const CALL_FAILED = 1

export type WorkerMessage =
  /** `tid`: the worker's thread id (Linux), so the host can read its page faults; null elsewhere. */
  | { readonly type: "ready"; readonly tid: number | null }
  | { readonly type: "probed"; readonly results: ReadonlyArray<ProbeResult> }
  | { readonly type: "loaded"; readonly errors: ReadonlyArray<string | null> }
  | {
      readonly type: "done"
      readonly batch: number
      /** The worker's result block, sent when it is new (first batch, grown): RESULT_FLOATS per call, then values. */
      readonly results?: SharedArrayBuffer
      /** Value key lists first used in this batch, by shape id. */
      readonly shapes: ReadonlyArray<readonly [number, ReadonlyArray<string>]>
      /** The plugin's reason, or the problem of a failed call, by call position. */
      readonly notes: ReadonlyArray<readonly [number, string]>
      /** Values that are not all numbers, by call position (rare: sent as they are). */
      readonly details: ReadonlyArray<readonly [number, Readonly<Record<string, unknown>>]>
      /** Set when the worker should be replaced after this batch (it holds memory a plugin took). */
      readonly replace?: string
    }
  /** An error thrown outside any call (a timer, a rejected promise), with the module it names. */
  | { readonly type: "uncaught"; readonly error: string; readonly file: string | null }

/** Control block layout (Int32 slots): the sequence number of the call running now (0 = idle). */
export const CONTROL_SEQ = 0
/** The position (in the share sent) of the call running now. */
export const CONTROL_CALL = 1
/** 1 + the code a plugin passed to `process.exit` (0: it did not), set before the worker goes. */
export const CONTROL_EXIT = 2
export const CONTROL_SLOTS = 3

export const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const
