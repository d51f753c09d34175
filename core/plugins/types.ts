/**
 * @module Data shapes the PluginHost hands out: loaded plugins, per-call outcomes, the
 * `/v1/plugins` listing and the change events.
 */
import type { Component, ExchangePlugin, IndicatorPlugin, ParamValue, PluginKind, PluginScope } from "./sdk.ts"

/**
 * Where an indicator's code runs: `worker` in the plugin worker pool (the host can cut a call
 * off), `inline` in the host's thread (built-ins only; fastest, but a hung call hangs the host).
 */
export type Isolation = "worker" | "inline"

/** Per-plugin settings from the user's config, keyed by plugin name. */
export interface PluginSettings {
  /** `false` keeps the plugin loaded and listed but never evaluated. */
  readonly enabled?: boolean
  /** Overrides the plugin's own weight within its component. */
  readonly weight?: number
  /** Overrides declared parameter defaults; checked against the declaration. */
  readonly params?: Readonly<Record<string, ParamValue>>
}

export interface PluginHostOptions {
  /** Folders to scan, resolved against `root`. Default `["plugins/indicators", "plugins/exchanges"]`. */
  readonly folders?: ReadonlyArray<string>
  /** Folders scanned after `folders` (e.g. a user's own folder from config). */
  readonly extraFolders?: ReadonlyArray<string>
  /** Base for relative folders. Default: the project root (two levels above this file). */
  readonly root?: string
  /** Watch folders and hot-reload. Default true. */
  readonly watch?: boolean
  /** Quiet period after the last file event before re-scanning. Default 75 ms. */
  readonly debounceMs?: number
  /** Per-call compute budget; a slower call counts as a failure. Default 5 ms. */
  readonly budgetMs?: number
  /** Consecutive failures that open the circuit (quarantine). Default 3. */
  readonly maxFailures?: number
  /** How long a quarantined plugin rests before one trial call. Default 60 000 ms. */
  readonly quarantineMs?: number
  readonly pluginConfig?: Readonly<Record<string, PluginSettings>>
  /**
   * Where the built-in plugins (`BUILT_IN_PLUGINS`) run. Default `inline`. Every other plugin
   * file runs in a worker whatever this says; exchange plugins always run in the host.
   */
  readonly isolation?: Isolation
  /**
   * Folders (as given in `folders` / `extraFolders`) whose plugins run like the built-ins, for a
   * program that embeds the host with plugins it owns. Not reachable from the engine's config.
   */
  readonly ownedFolders?: ReadonlyArray<string>
  /** Plugin workers. Default: the machine's parallelism (at least 1, at most 8). */
  readonly workers?: number
  /** A plugin that grows the worker's memory by more than this in one batch is cut off. Default 1024. */
  readonly heapLimitMb?: number
  /** How long a worker-isolated module may take to import. Default 10 000 ms. */
  readonly loadTimeoutMs?: number
}

/** An indicator ready to run: validated, enabled and not quarantined. */
export interface LoadedIndicator {
  readonly plugin: IndicatorPlugin
  /** Path relative to the project root when inside it, otherwise absolute. */
  readonly file: string
  /** Content hash of the plugin's entry file (changes on every effective reload). */
  readonly version: string
  /** Weight within its component after config overrides. */
  readonly weight: number
  /** Declared defaults merged with config. */
  readonly params: Readonly<Record<string, ParamValue>>
}

export interface LoadedExchange {
  readonly plugin: ExchangePlugin
  readonly file: string
  readonly version: string
}

/**
 * What one indicator said for one context. `ok` carries a score; `unavailable` means missing
 * data (declared need absent, too few candles, or the plugin returned `score: null`) and is not
 * a failure; `failed` is this call going wrong; `quarantined` means the call was not made.
 */
type OutcomeStatus = "ok" | "unavailable" | "failed" | "quarantined"

export interface IndicatorOutcome {
  readonly name: string
  readonly component: Component
  readonly weight: number
  readonly status: OutcomeStatus
  readonly score: number | null
  readonly values: Readonly<Record<string, number>>
  /** Why the call failed or was skipped. */
  readonly error?: string
  /** Why the score is unavailable, or the plugin's own note. */
  readonly reason?: string
  /** Compute time of this call in microseconds (0 when not called). */
  readonly micros: number
}

type PluginState = "active" | "quarantined" | "failed" | "disabled"

/** One row of `GET /v1/plugins`. */
export interface PluginInfo {
  readonly name: string
  readonly kind: PluginKind | "unknown"
  readonly component?: Component
  readonly description?: string
  readonly version: string | null
  readonly file: string
  readonly state: PluginState
  readonly weight?: number
  readonly lookback?: number
  /** Indicators only: declared inputs as `name → engine output` (e.g. `rsi → rsi(14)`). */
  readonly inputs?: Readonly<Record<string, string>>
  /** Indicators only: where its code runs. */
  readonly isolation?: Isolation
  /** Indicators only: the scope the host runs it with (declared, else `scopeOf`'s default). */
  readonly scope?: PluginScope
  readonly params?: Readonly<Record<string, ParamValue>>
  readonly calls: number
  readonly errors: number
  readonly lastError: string | null
  /** Epoch ms of the last error (load or call). */
  readonly lastErrorAt: number | null
  /** Epoch ms when a quarantined plugin gets its trial call. */
  readonly retryAt: number | null
  readonly meanMicros: number
  /** Over the most recent 1 024 calls. */
  readonly p99Micros: number
}

export type PluginEventType = "loaded" | "reloaded" | "failed" | "unloaded" | "quarantined" | "recovered"

/** Forwarded by the caller to the EventBus as `plugin.<type>`. */
export interface PluginEvent {
  readonly type: PluginEventType
  /** Plugin name; the file's base name when the module never gave a readable name. */
  readonly name: string
  readonly kind: PluginKind | "unknown"
  readonly file: string
  readonly version: string | null
  readonly error?: string
  /** Epoch ms. */
  readonly time: number
}

export interface PluginHealth {
  readonly status: "ok" | "degraded"
  /** One line per problem, e.g. `plugin "vwap" quarantined until ...: score NaN`. */
  readonly reasons: ReadonlyArray<string>
}
