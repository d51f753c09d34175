/**
 * @module The messages between the host and a plugin worker.
 *
 * One `run` message per worker per batch (a batch is every evaluation asked for in one turn of
 * the host's event loop). Candle columns travel in a SharedArrayBuffer arena the host fills
 * once per batch. Books, tapes and market data go as JSON texts, one per symbol and kind (Bun's
 * structured clone of ~100 k small objects costs ten times JSON's), each parsed and frozen in a
 * worker only when one of its plugins reads it; declared inputs and extra fields are cloned.
 * Results come back as one `done` message.
 */
import type { InputValues, MarketContext } from "../sdk.ts"
import type { OrderBook, Timeframe, Trade } from "../../market-schema/index.ts"
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
}

/** Candle columns of one context: f64 offset into the arena and length (six columns back to back). */
export interface ContextRef {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly offset: number
  readonly length: number
  /** Index into `RunRequest.shared`: the book, tape and market data of its symbol. */
  readonly shared: number
  /** Fields beyond the standard ones (plain values or Float64Arrays), cloned. */
  readonly extra?: Readonly<Record<string, unknown>>
}

export interface SharedInputs {
  readonly market: MarketContext
  readonly orderbook?: OrderBook
  readonly trades?: ReadonlyArray<Trade>
}

/** One symbol's shared inputs as JSON texts, each parsed (and frozen) only when a plugin reads it. */
export interface SharedTexts {
  readonly market: string
  readonly orderbook?: string
  readonly trades?: string
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
      readonly arena: SharedArrayBuffer
      /** f64 length of the arena part this batch uses. */
      readonly used: number
      readonly contexts: ReadonlyArray<ContextRef>
      readonly shared: ReadonlyArray<SharedTexts>
      /** Pairs (plugin index in the loaded list, context index), grouped by plugin. */
      readonly calls: Int32Array
      /** Per call: the declared input values the host read for it (plugins that declare inputs). */
      readonly inputs: ReadonlyArray<InputValues | undefined>
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
  | { readonly type: "ready" }
  | { readonly type: "probed"; readonly results: ReadonlyArray<ProbeResult> }
  | { readonly type: "loaded"; readonly errors: ReadonlyArray<string | null> }
  | {
      readonly type: "done"
      readonly batch: number
      readonly status: Uint8Array
      /** NaN for a null score. */
      readonly scores: Float64Array
      readonly micros: Float64Array
      readonly values: ReadonlyArray<Readonly<Record<string, number>> | undefined>
      /** The plugin's reason, or the problem of a failed call. */
      readonly notes: ReadonlyArray<string | undefined>
      /** Set when the worker should be replaced after this batch (it holds memory a plugin took). */
      readonly replace?: string
    }
  /** An error thrown outside any call (a timer, a rejected promise), with the module it names. */
  | { readonly type: "uncaught"; readonly error: string; readonly file: string | null }

/** Control block layout (Int32 slots): the sequence number of the call running now (0 = idle). */
export const CONTROL_SEQ = 0
/** The index (into `calls` pairs) of the call running now. */
export const CONTROL_CALL = 1
export const CONTROL_SLOTS = 2

export const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const
