/**
 * @module A folder re-scan: re-imports only files whose content changed, keeps a file's previous
 * version when its new one fails, resolves duplicate names (the file that already owns a name
 * keeps it; otherwise the first in folder order) and returns the change events.
 */
import { hashPlugin, scanFolders, stemOf, type Candidate } from "./discovery.ts"
import { loadAll, type RegistryConfig } from "./plugin-load.ts"
import { duplicateMessage, makeSlot, type FileEntry, type IndicatorSlot, type Registry } from "./registry.ts"
import type { PluginEvent, PluginEventType } from "./types.ts"

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
