/**
 * @module What `GET /v1/plugins` and the host's health show: one row per plugin and per broken
 * plugin file, with state, call statistics and the newest error; and the plugins the host hands
 * out (active indicators, enabled exchanges).
 */
import { inputsOf } from "./inputs/index.ts"
import { failedFiles, p99Of, reloadErrorOf, type Registry, type Slot } from "./registry.ts"
import { scopeOf } from "./sdk.ts"
import type { LoadedExchange, LoadedIndicator, PluginHealth, PluginInfo } from "./types.ts"

export const listPlugins = (reg: Registry): ReadonlyArray<PluginInfo> => {
  const rows: Array<PluginInfo> = []
  for (const slot of reg.slots.values()) rows.push(infoOf(reg, slot))
  for (const f of failedFiles(reg)) {
    rows.push({
      name: f.name,
      kind: f.kind,
      version: f.version,
      file: f.file,
      state: "failed",
      calls: 0,
      errors: 1,
      lastError: f.error,
      lastErrorAt: f.errorAt,
      retryAt: null,
      meanMicros: 0,
      p99Micros: 0,
    })
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.file < b.file ? -1 : 1))
}

const infoOf = (reg: Registry, slot: Slot): PluginInfo => {
  const reloadError = reloadErrorOf(reg, slot)
  const s = slot.stats
  const useReload = reloadError !== null && (s.lastErrorAt === null || (reloadError.at ?? 0) >= s.lastErrorAt)
  const common = {
    name: slot.name,
    kind: slot.kind,
    version: slot.version,
    file: slot.file,
    calls: s.calls,
    errors: s.errors + (reloadError === null ? 0 : 1),
    lastError: useReload ? reloadError.error : s.lastError,
    lastErrorAt: useReload ? reloadError.at : s.lastErrorAt,
    meanMicros: s.calls === 0 ? 0 : s.sumMicros / s.calls,
    p99Micros: p99Of(s),
  }
  if (slot.kind === "exchange") {
    return {
      ...common,
      description: slot.plugin.description,
      state: slot.enabled ? "active" : "disabled",
      retryAt: null,
    }
  }
  const open = slot.breaker.state !== "closed"
  return {
    ...common,
    component: slot.component,
    description: slot.plugin.description,
    weight: slot.weight,
    lookback: slot.plugin.lookback,
    scope: scopeOf(slot.plugin),
    isolation: slot.isolation,
    params: slot.params,
    inputs: Object.fromEntries(inputsOf(slot.plugin, slot.params).list.map((r) => [r.name, r.output])),
    state: !slot.enabled ? "disabled" : open ? "quarantined" : "active",
    retryAt: slot.breaker.state === "open" ? slot.breaker.openedAt + slot.breaker.openMs : null,
  }
}

/** `degraded` (never down) while any plugin is failed or quarantined or a folder is missing. */
export const healthOf = (rows: ReadonlyArray<PluginInfo>, missingFolders: ReadonlyArray<string>): PluginHealth => {
  const reasons = rows.flatMap((p) =>
    p.state === "failed"
      ? [`plugin "${p.name}" failed (${p.file}): ${p.lastError}`]
      : p.state === "quarantined"
        ? [`plugin "${p.name}" quarantined until ${new Date(p.retryAt ?? 0).toISOString()}: ${p.lastError}`]
        : [],
  )
  for (const missing of missingFolders) reasons.push(`plugin folder ${missing} does not exist`)
  return { status: reasons.length === 0 ? "ok" : "degraded", reasons }
}

/** Indicators that may run at `now`: validated, enabled, not quarantined; folder order. */
export const activeIndicators = (reg: Registry, now: number): Array<LoadedIndicator> =>
  reg.indicators
    .filter((s) => s.breaker.stateAt(now) === "closed")
    .map((s) => ({ plugin: s.plugin, file: s.file, version: s.version, weight: s.weight, params: s.params }))

export const enabledExchanges = (reg: Registry): Array<LoadedExchange> =>
  [...reg.slots.values()].flatMap(
    (s): Array<LoadedExchange> =>
      s.kind === "exchange" && s.enabled ? [{ plugin: s.plugin, file: s.file, version: s.version }] : [],
  )
