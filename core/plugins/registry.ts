/**
 * @module The host's plugin state and how a folder re-scan changes it.
 *
 * Two maps: files (what each plugin file last gave us, including the last version that
 * validated) and slots (one per plugin name: the version in use, its breaker and stats).
 * `sync` re-scans the folders, re-imports only files whose content changed, keeps a file's
 * previous version when its new one fails, resolves duplicate names (the file that already
 * owns a name keeps it; otherwise the first in folder order) and returns the change events.
 * Owned by one fiber at a time (the host serialises syncs); `evaluate` only reads slots.
 */
import { scanFolders, hashPlugin, importFresh, stemOf, type Candidate } from "./discovery.ts"
import { BreakerState } from "../resilience/index.ts"
import { inputsOf } from "./inputs/resolve.ts"
import { resolveParams, validatePlugin, type ValidPlugin } from "./schema.ts"
import type { Component, ExchangePlugin, IndicatorPlugin, ParamValue } from "./sdk.ts"
import type { Isolation, PluginEvent, PluginEventType, PluginSettings } from "./types.ts"
import type { ModuleRef, ProbeResult } from "./workers/protocol.ts"

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

interface Loaded {
  readonly valid: ValidPlugin
  readonly version: string
  readonly params: Readonly<Record<string, ParamValue>>
  /** Where its code runs: indicators from a probe run in workers; exchanges always in the host. */
  readonly isolation: Isolation
}

interface FileEntry {
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

export interface ExchangeSlot {
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

export interface RegistryConfig {
  readonly root: string
  readonly folders: ReadonlyArray<string>
  readonly pluginConfig: Readonly<Record<string, PluginSettings>>
  /** Consecutive failures that open a plugin's breaker. */
  readonly maxFailures: number
  readonly quarantineMs: number
  /** Where a candidate's code runs: `worker` candidates are imported in a probe worker first. */
  readonly isolationOf: (c: Candidate) => Isolation
  /** Imports modules in a throw-away worker and returns what each declares. */
  readonly probe: (modules: ReadonlyArray<ModuleRef>) => Promise<ReadonlyArray<ProbeResult>>
}

export interface Registry {
  readonly files: Map<string, FileEntry>
  readonly slots: Map<string, Slot>
  /** Enabled indicator slots in folder order; rebuilt by every sync. */
  indicators: ReadonlyArray<IndicatorSlot>
  missingFolders: ReadonlyArray<string>
}

export const makeRegistry = (): Registry => ({ files: new Map(), slots: new Map(), indicators: [], missingFolders: [] })

/** Build errors arrive as an AggregateError of messages with positions; name the first few. */
const errorText = (e: unknown): string => {
  const parts = (e as { errors?: unknown }).errors
  if (Array.isArray(parts) && parts.length > 0) {
    return parts
      .slice(0, 3)
      .map((m: { message?: string; position?: { line?: number; column?: number } | null }) =>
        m.position?.line === undefined
          ? String(m.message)
          : `${m.message} at line ${m.position.line}:${m.position.column}`,
      )
      .join("; ")
  }
  return e instanceof Error ? e.message : String(e)
}

type LoadResult = { ok: true; loaded: Loaded } | { ok: false; name: string | null; message: string }

const computesInWorker = (): never => {
  throw new Error("this plugin's compute runs in a plugin worker")
}

/** Validates an export (or a probed declaration) and resolves its params. */
const accept = (
  exported: unknown,
  c: Candidate,
  version: string,
  config: RegistryConfig,
  isolation: Isolation,
): LoadResult => {
  const v = validatePlugin(exported, c.file)
  if (!v.ok) return { ok: false, name: v.name ?? null, message: v.message }
  const name = v.value.plugin.name
  if (v.value.kind === "indicator") {
    const settings = config.pluginConfig[name]
    const p = resolveParams(v.value.plugin.params, settings?.params)
    if (!p.ok) return { ok: false, name, message: `${c.file} (plugin "${name}"): ${p.message}` }
    try {
      inputsOf(v.value.plugin, p.params) // resolved once here, so a bad declaration fails the load
    } catch (e) {
      return { ok: false, name, message: `${c.file} (plugin "${name}"): ${e instanceof Error ? e.message : String(e)}` }
    }
    return { ok: true, loaded: { valid: v.value, version, params: p.params, isolation } }
  }
  return { ok: true, loaded: { valid: v.value, version, params: {}, isolation: "inline" } }
}

/** Imports a candidate in the host's thread and validates it; never rejects. */
const loadInline = async (c: Candidate, version: string, config: RegistryConfig): Promise<LoadResult> => {
  let exported: unknown
  try {
    exported = await importFresh(c.path, version)
  } catch (e) {
    return { ok: false, name: null, message: `${c.file}: import failed: ${errorText(e)}` }
  }
  return accept(exported, c, version, config, "inline")
}

/**
 * Loads candidates: inline ones by importing them here; worker ones by probing them in a worker
 * (an indicator then keeps only its declaration here, an exchange — which runs in the host,
 * holding sockets and the rate budget — is imported here once the probe showed it loads).
 */
const loadAll = async (
  items: ReadonlyArray<{ c: Candidate; version: string }>,
  config: RegistryConfig,
): Promise<Array<LoadResult>> => {
  const out: Array<LoadResult> = new Array(items.length)
  const probed: Array<number> = []
  for (let i = 0; i < items.length; i++) {
    if (config.isolationOf(items[i].c) === "worker") probed.push(i)
    else out[i] = await loadInline(items[i].c, items[i].version, config)
  }
  if (probed.length === 0) return out
  const results = await config.probe(
    probed.map((i) => ({ path: items[i].c.path, file: items[i].c.file, version: items[i].version })),
  )
  for (let k = 0; k < probed.length; k++) {
    const { c, version } = items[probed[k]]
    const r = results[k]
    out[probed[k]] = !r.ok
      ? { ok: false, name: r.name, message: r.message }
      : r.kind === "exchange"
        ? await loadInline(c, version, config)
        : accept({ ...r.declaration, compute: computesInWorker }, c, version, config, "worker")
  }
  return out
}

/** Re-scans the folders and applies what changed; returns the events in the order they happened. */
export const sync = async (reg: Registry, config: RegistryConfig, now: number): Promise<ReadonlyArray<PluginEvent>> => {
  const events: Array<PluginEvent> = []
  const event = (
    type: PluginEventType,
    name: string,
    kind: PluginEvent["kind"],
    file: string,
    version: string | null,
    error?: string,
  ) =>
    events.push(
      error === undefined
        ? { type, name, kind, file, version, time: now }
        : { type, name, kind, file, version, error, time: now },
    )

  const { candidates, missing } = await scanFolders(config.root, config.folders)
  reg.missingFolders = missing
  const present = new Set<string>()
  const freshFailures: Array<FileEntry> = []

  const toLoad: Array<{ c: Candidate; version: string; entry: FileEntry }> = []
  for (const c of candidates) {
    present.add(c.path)
    let entry = reg.files.get(c.path)
    if (entry !== undefined && entry.stamp === c.stamp) continue
    const version = await hashPlugin(c).catch(() => null)
    if (version === null) continue // vanished mid-scan; the next event re-scans
    if (entry === undefined) {
      entry = {
        candidate: c,
        stamp: c.stamp,
        seenVersion: null,
        loaded: null,
        loadError: null,
        declaredName: null,
        duplicateOf: null,
        errorAt: null,
      }
      reg.files.set(c.path, entry)
    }
    entry.stamp = c.stamp
    if (entry.seenVersion === version) continue
    entry.seenVersion = version
    toLoad.push({ c, version, entry })
  }
  const results = await loadAll(toLoad, config)
  for (let i = 0; i < toLoad.length; i++) {
    const { entry } = toLoad[i]
    const result = results[i]
    if (result.ok) {
      entry.loaded = result.loaded
      entry.loadError = null
      entry.declaredName = result.loaded.valid.plugin.name
    } else {
      entry.loadError = result.message
      entry.declaredName = result.name
      entry.errorAt = now
      freshFailures.push(entry)
    }
  }
  for (const path of [...reg.files.keys()]) if (!present.has(path)) reg.files.delete(path)

  // Name ownership: a file keeps a name it already owns; free names go to the first claimant.
  const owner = new Map<string, FileEntry>()
  for (const slot of reg.slots.values()) {
    const entry = reg.files.get(slot.path)
    if (entry?.loaded?.valid.plugin.name === slot.name) owner.set(slot.name, entry)
  }
  const ordered = candidates.map((c) => reg.files.get(c.path)).filter((e): e is FileEntry => e !== undefined)
  for (const entry of ordered) {
    const name = entry.loaded?.valid.plugin.name
    const wasDuplicate = entry.duplicateOf
    entry.duplicateOf = null
    if (name === undefined) continue
    const holder = owner.get(name)
    if (holder === undefined) owner.set(name, entry)
    else if (holder !== entry) {
      entry.duplicateOf = holder.candidate.file
      if (wasDuplicate !== holder.candidate.file) {
        entry.errorAt = now
        event(
          "failed",
          name,
          entry.loaded!.valid.kind,
          entry.candidate.file,
          entry.loaded!.version,
          duplicateMessage(name, holder.candidate.file, entry.candidate.file),
        )
      }
    }
  }

  for (const entry of freshFailures) {
    const name = entry.loaded?.valid.plugin.name ?? entry.declaredName ?? stemOf(entry.candidate.path)
    const kind = entry.loaded?.valid.kind ?? "unknown"
    const keeps = entry.loaded === null ? "" : ` (keeping version ${entry.loaded.version})`
    event("failed", name, kind, entry.candidate.file, entry.loaded?.version ?? null, `${entry.loadError}${keeps}`)
  }

  for (const [name, slot] of [...reg.slots]) {
    if (!owner.has(name)) {
      reg.slots.delete(name)
      event("unloaded", name, slot.kind, slot.file, slot.version)
    }
  }
  for (const entry of ordered) {
    const loaded = entry.loaded
    if (loaded === null || entry.duplicateOf !== null) continue
    const name = loaded.valid.plugin.name
    if (owner.get(name) !== entry) continue
    const existing = reg.slots.get(name)
    if (existing === undefined) {
      reg.slots.set(name, makeSlot(loaded, entry.candidate, config))
      event("loaded", name, loaded.valid.kind, entry.candidate.file, loaded.version)
    } else if (
      existing.version !== loaded.version ||
      existing.path !== entry.candidate.path ||
      existing.kind !== loaded.valid.kind
    ) {
      const replaced = makeSlot(loaded, entry.candidate, config, existing.stats)
      reg.slots.set(name, replaced)
      event("reloaded", name, loaded.valid.kind, entry.candidate.file, loaded.version)
    }
  }

  const order = new Map(candidates.map((c, i) => [c.path, i]))
  reg.indicators = [...reg.slots.values()]
    .filter((s): s is IndicatorSlot => s.kind === "indicator" && s.enabled)
    .sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0))
  return events
}

const duplicateMessage = (name: string, holderFile: string, file: string) =>
  `duplicate plugin name "${name}": already loaded from ${holderFile}; ${file} rejected (rename one of them)`

const makeSlot = (loaded: Loaded, c: Candidate, config: RegistryConfig, stats?: Stats): Slot => {
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
