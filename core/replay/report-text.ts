/**
 * @module The replay report as a text table for people: header, hit rate and mean signed return
 * per direction and per score bucket at each horizon, the baseline, plugin availability and the
 * signals. Only data from the report goes in (no wall time), so equal reports print equal text.
 */
import type { GroupStats, HorizonStats, ReplayReport } from "./schema.ts"

const SHOWN_SIGNALS = 50

const iso = (ms: number | null): string => (ms === null ? "-" : new Date(ms).toISOString().replace(":00.000Z", "Z"))
const signedFixed = (v: number | null, digits: number): string =>
  v === null ? "-" : `${v >= 0 ? "+" : ""}${v.toFixed(digits)}`
const rate = (v: number | null): string => (v === null ? "-" : `${(v * 100).toFixed(1)}%`)
const pad = (s: string, width: number): string => s.padStart(width)
const CELL = 23

const mean = (v: number | null): string => (v === null ? "-" : `${signedFixed(v, 3)}%`)
const cell = (h: HorizonStats): string => `${pad(String(h.n), 6)} ${pad(rate(h.hitRate), 6)} ${pad(mean(h.meanPct), 9)}`

const groupRows = (title: string, groups: ReadonlyArray<GroupStats>): Array<string> =>
  groups.map(
    (g) => `${title.padEnd(10)}${g.label.padEnd(10)}${pad(String(g.signals), 7)}  ${g.horizons.map(cell).join("  ")}`,
  )

export const formatReport = (r: ReplayReport): string => {
  const t = r.thresholds
  const longs = r.byDirection.find((g) => g.label === "long")?.signals ?? 0
  const shorts = r.byDirection.find((g) => g.label === "short")?.signals ?? 0
  const unavailable = r.plugins.filter((p) => p.ok === 0)
  const lines = [
    `replay ${r.symbol} ${r.timeframe}${r.rollup.length > 0 ? ` rolled up with ${r.rollup.join(", ")}` : ""} from ` +
      `${r.source}`,
    `candles ${r.candles} (${iso(r.from)} .. ${iso(r.to)}), gaps ${r.gaps}, scored ${r.scored}`,
    ...(r.rollup.length === 0
      ? []
      : [`timeframes ${r.timeframes.map((t) => `${t.timeframe} ${t.scored}/${t.candles} scored`).join(", ")}`]),
    `thresholds long >= ${t.longAt}, short <= ${t.shortAt}, buffer ${t.neutralBuffer}, cooldown ` +
      `${t.cooldownMs / 60_000} min, agreement >= ${t.minAgreement}`,
    `signals ${r.signals.length} (${longs} long, ${shorts} short); returns in %, signed for the direction; hit = ` +
      `signed return > 0`,
    "",
    `${"".padEnd(20)}${pad("", 7)}  ${r.horizons.map((h) => `+${h} candles`.padStart(CELL)).join("  ")}`,
    `${"group".padEnd(20)}${pad("signals", 7)}  ` +
      `${r.horizons.map(() => `${pad("n", 6)} ${pad("hit", 6)} ${pad("mean", 9)}`).join("  ")}`,
    ...groupRows("direction", r.byDirection),
    ...groupRows("score", r.byBucket),
    `${"baseline".padEnd(10)}${"every bar".padEnd(10)}${pad("-", 7)}  ${r.baseline.map(cell).join("  ")}`,
    "",
    `plugins: ${r.plugins.length - unavailable.length} of ${r.plugins.length} scored; components scored: ` +
      `${r.components.scored.join(", ") || "none"}; unavailable: ${r.components.unavailable.join(", ") || "none"}`,
    ...r.notes.map((n) => `note: ${n}`),
    ...unavailable.map((p) => `  unavailable ${p.name} (${p.component}): ${p.reason ?? "no score"}`),
    ...r.plugins
      .filter((p) => p.failed + p.quarantined > 0)
      .map((p) => `  failing ${p.name}: ${p.failed} failed, ${p.quarantined} quarantined: ${p.reason ?? ""}`),
  ]
  if (r.signals.length > 0) {
    lines.push(
      "",
      `${"time".padEnd(18)}${"side".padEnd(6)}${pad("score", 6)}${pad("price", 14)}  ` +
        `${r.horizons.map((h) => pad(`+${h}`, 9)).join("")}`,
    )
    for (const s of r.signals.slice(0, SHOWN_SIGNALS)) {
      const fwd = s.forward.map((f) => pad(signedFixed(f.signedPct, 3), 9)).join("")
      lines.push(
        `${iso(s.signal.time).padEnd(18)}${s.signal.type.padEnd(6)}${pad(s.signal.score.toFixed(1), 6)}` +
          `${pad(String(s.signal.price), 14)}  ${fwd}`,
      )
    }
    if (r.signals.length > SHOWN_SIGNALS) lines.push(`... ${r.signals.length - SHOWN_SIGNALS} more in the JSON report`)
  }
  return `${lines.join("\n")}\n`
}
