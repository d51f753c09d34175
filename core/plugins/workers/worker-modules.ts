/**
 * @module Importing plugin modules inside a plugin worker: probing (import, validate, report the
 * declaration to the host) and loading the indicators a worker runs. A module that changes
 * globals at import fails, and its change is undone.
 */
import { errorText } from "../result-check.ts"
import { resolveParams, validatePlugin } from "../schema.ts"
import type { IndicatorPlugin, ParamValue } from "../sdk.ts"
import { restoreGlobals, snapshotGlobals } from "./harden.ts"
import type { HostMessage, ModuleRef, PluginRef, ProbeResult } from "./protocol.ts"

export interface Loaded {
  readonly ref: PluginRef
  readonly plugin: IndicatorPlugin
  readonly params: Readonly<Record<string, ParamValue>>
}

const importModule = async (m: ModuleRef): Promise<unknown> =>
  ((await import(`${m.path}?v=${m.version}`)) as Record<string, unknown>).default

/** A module that changes globals at import fails its load (and the change is undone). */
const importChecked = async (m: ModuleRef): Promise<unknown> => {
  const before = snapshotGlobals()
  const exported = await importModule(m)
  const changed = restoreGlobals(before)
  if (changed.length > 0)
    throw new Error(`changed the global ${changed.slice(0, 3).join(", ")} at import; plugins must not touch globals`)
  return exported
}

const declarationOf = (plugin: object): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(plugin)) if (typeof v !== "function") out[k] = v
  return out
}

/**
 * What the host keeps of a plugin: its data fields. An `inputs` declared as a function of the
 * params is resolved here with the configured params, so the host gets plain declarations.
 */
const declare = (plugin: object, configured: Readonly<Record<string, ParamValue>> | undefined) => {
  const out = declarationOf(plugin)
  const inputs = (plugin as { inputs?: unknown }).inputs
  if (typeof inputs === "function") {
    const p = resolveParams((plugin as IndicatorPlugin).params, configured)
    if (p.ok) out.inputs = inputs(p.params)
  }
  return structuredClone(out)
}

export const probe = async (
  modules: ReadonlyArray<ModuleRef>,
  params: Extract<HostMessage, { type: "probe" }>["params"],
): Promise<ReadonlyArray<ProbeResult>> => {
  const results: Array<ProbeResult> = []
  for (const m of modules) {
    let exported: unknown
    try {
      exported = await importChecked(m)
    } catch (e) {
      results.push({ ok: false, name: null, message: `${m.file}: import failed: ${errorText(e)}` })
      continue
    }
    const v = validatePlugin(exported, m.file)
    if (!v.ok) {
      results.push({ ok: false, name: v.name ?? null, message: v.message })
      continue
    }
    try {
      results.push({ ok: true, kind: v.value.kind, declaration: declare(v.value.plugin, params[v.value.plugin.name]) })
    } catch (e) {
      results.push({
        ok: false,
        name: v.value.plugin.name,
        message: `${m.file} (plugin "${v.value.plugin.name}"): ${errorText(e)}`,
      })
    }
  }
  return results
}

/** Imports every plugin the worker runs; a failed one is null in the list, with its error. */
export const load = async (
  plugins: ReadonlyArray<PluginRef>,
): Promise<{ loaded: Array<Loaded | null>; errors: Array<string | null> }> => {
  const loaded: Array<Loaded | null> = []
  const errors: Array<string | null> = []
  for (const ref of plugins) {
    try {
      const exported = await importChecked(ref)
      const v = validatePlugin(exported, ref.file)
      if (!v.ok || v.value.kind !== "indicator") throw new Error(v.ok ? "not an indicator plugin" : v.message)
      loaded.push({ ref, plugin: v.value.plugin, params: Object.freeze({ ...ref.params }) })
      errors.push(null)
    } catch (e) {
      loaded.push(null)
      errors.push(errorText(e))
    }
  }
  return { loaded, errors }
}
