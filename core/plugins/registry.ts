/**
 * @module The host's plugin state: two maps, files (what each plugin file last gave us,
 * including the last version that validated) and slots (one per plugin name: the version in
 * use, its breaker and stats), plus the per-plugin call statistics.
 *
 * `sync.ts` changes this state on a folder re-scan (loading through `plugin-load.ts`); it is
 * owned by one fiber at a time (the host serialises syncs); `evaluate` only reads slots.
 */
import type { Candidate } from "./discovery.ts"
import { stemOf } from "./discovery.ts"
import { BreakerState } from "../resilience/index.ts"
import type { RegistryConfig } from "./plugin-load.ts"
import type { ValidPlugin } from "./schema.ts"
import type { Component, ExchangePlugin, IndicatorPlugin, ParamValue } from "./sdk.ts"
import type { Isolation, PluginEvent } from "./types.ts"

const RING = 1024

export interface Stats {
  calls: number
  errors: number
  sumMicros: number
  /** The most recent RING call times, for p99. */
  readonly ring: Float64Array
  ringNext: number
  lastError: string | null
  lastErrorAt: number | null
}

const makeStats = (): Stats => ({
  calls: 0,
  errors: 0,
  sumMicros: 0,
  ring: new Float64Array(RING),
  ringNext: 0,
  lastError: null,
  lastErrorAt: null,
})

export const recordCall = (s: Stats, micros: number): void => {
  s.calls += 1
  s.sumMicros += micros
  s.ring[s.ringNext % RING] = micros
  s.ringNext += 1
}

export const recordError = (s: Stats, message: string, now: number): void => {
  s.errors += 1
  s.lastError = message
  s.lastErrorAt = now
}

export const p99Of = (s: Stats): number => {
  const n = Math.min(s.ringNext, RING)
  if (n === 0) return 0
  const sorted = s.ring.slice(0, n).sort()
  return sorted[Math.min(n - 1, Math.ceil(0.99 * n) - 1)]
}

export interface Loaded {
  readonly valid: ValidPlugin
  readonly version: string
  readonly params: Readonly<Record<string, ParamValue>>
  /** Where its code runs: indicators from a probe run in workers; exchanges always in the host. */
  readonly isolation: Isolation
}

export interface FileEntry {
  readonly candidate: Candidate
  stamp: string
  /** Hash of the content last imported (good or bad), so a broken file is not re-imported each scan. */
  seenVersion: string | null
  /** The last version of this file that validated. */
  loaded: Loaded | null
  /** Why the newest content did not load (import, validation, params); null when it did. */
  loadError: string | null
  /** Name the newest content declared, even when it did not validate. */
  declaredName: string | null
  /** Set when another file owns this file's plugin name. */
  duplicateOf: string | null
  errorAt: number | null
}

export interface IndicatorSlot {
  readonly kind: "indicator"
  readonly name: string
  /** For a worker-isolated slot, the declaration only: its `compute` runs in a plugin worker. */
  plugin: IndicatorPlugin
  readonly isolation: Isolation
  component: Component
  file: string
  path: string
  version: string
  weight: number
  params: Readonly<Record<string, ParamValue>>
  enabled: boolean
  readonly breaker: BreakerState
  readonly stats: Stats
}

interface ExchangeSlot {
  readonly kind: "exchange"
  readonly name: string
  plugin: ExchangePlugin
  file: string
  path: string
  version: string
  enabled: boolean
  readonly stats: Stats
}

export type Slot = IndicatorSlot | ExchangeSlot
export interface Registry {
  readonly files: Map<string, FileEntry>
  readonly slots: Map<string, Slot>
  /** Enabled indicator slots in folder order; rebuilt by every sync. */
  indicators: ReadonlyArray<IndicatorSlot>
  missingFolders: ReadonlyArray<string>
}

export const makeRegistry = (): Registry => ({ files: new Map(), slots: new Map(), indicators: [], missingFolders: [] })
export const duplicateMessage = (name: string, holderFile: string, file: string) =>
  `duplicate plugin name "${name}": already loaded from ${holderFile}; ${file} rejected (rename one of them)`

export const makeSlot = (loaded: Loaded, c: Candidate, config: RegistryConfig, stats?: Stats): Slot => {
  const settings = config.pluginConfig[loaded.valid.plugin.name]
  const enabled = settings?.enabled ?? true
  if (loaded.valid.kind === "exchange") {
    return {
      kind: "exchange",
      name: loaded.valid.plugin.name,
      plugin: loaded.valid.plugin,
      file: c.file,
      path: c.path,
      version: loaded.version,
      enabled,
      stats: stats ?? makeStats(),
    }
  }
  const plugin = loaded.valid.plugin
  // One successful trial call closes it again: plugin calls are cheap and deterministic.
  const breaker = new BreakerState({
    name: `plugin:${plugin.name}`,
    policy: { _tag: "ConsecutiveFailures", threshold: config.maxFailures },
    openMs: config.quarantineMs,
    halfOpenSuccesses: 1,
    halfOpenMaxProbes: 1,
    callTimeoutMs: 0,
  })
  return {
    kind: "indicator",
    name: plugin.name,
    plugin,
    isolation: loaded.isolation,
    component: plugin.component,
    file: c.file,
    path: c.path,
    version: loaded.version,
    weight: settings?.weight ?? plugin.weight ?? 1,
    params: loaded.params,
    enabled,
    breaker,
    stats: stats ?? makeStats(),
  }
}

/** Files that hold no working plugin: a load error with no earlier version, or a duplicate name. */
export const failedFiles = (
  reg: Registry,
): ReadonlyArray<{
  readonly name: string
  readonly kind: PluginEvent["kind"]
  readonly file: string
  readonly version: string | null
  readonly error: string
  readonly errorAt: number | null
}> => {
  const out: Array<{
    name: string
    kind: PluginEvent["kind"]
    file: string
    version: string | null
    error: string
    errorAt: number | null
  }> = []
  for (const entry of reg.files.values()) {
    const name = entry.loaded?.valid.plugin.name ?? entry.declaredName ?? stemOf(entry.candidate.path)
    if (entry.duplicateOf !== null && entry.loaded !== null) {
      out.push({
        name,
        kind: entry.loaded.valid.kind,
        file: entry.candidate.file,
        version: entry.loaded.version,
        error: duplicateMessage(name, entry.duplicateOf, entry.candidate.file),
        errorAt: entry.errorAt,
      })
    } else if (entry.loaded === null && entry.loadError !== null) {
      out.push({
        name,
        kind: "unknown",
        file: entry.candidate.file,
        version: null,
        error: entry.loadError,
        errorAt: entry.errorAt,
      })
    }
  }
  return out
}

/** The newest load error of the file behind a working slot (a failed reload), if any. */
export const reloadErrorOf = (
  reg: Registry,
  slot: Slot,
): { readonly error: string; readonly at: number | null } | null => {
  const entry = reg.files.get(slot.path)
  return entry?.loadError == null ? null : { error: entry.loadError, at: entry.errorAt }
}
