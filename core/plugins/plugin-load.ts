/**
 * @module Loading plugin files: inline candidates are imported in the host's thread, worker
 * candidates are probed in a throw-away worker (an indicator then keeps only its declaration
 * here); either way the export is validated and its params resolved against the config.
 */
import { importFresh, type Candidate } from "./discovery.ts"
import { inputsOf } from "./inputs/resolve.ts"
import type { Loaded } from "./registry.ts"
import { resolveParams, validatePlugin } from "./schema.ts"
import type { Isolation, PluginSettings } from "./types.ts"
import type { ModuleRef, ProbeResult } from "./workers/protocol.ts"

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

export type LoadResult = { ok: true; loaded: Loaded } | { ok: false; name: string | null; message: string }

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
export const loadAll = async (
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
