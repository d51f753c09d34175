/**
 * @module The text report of a recording replay: per symbol its scores and signals, and per
 * horizon how often the confluence score's and each component's direction matched the forward
 * return, beside the every-bar baseline.
 */
import type { HitRate, RecordingReport } from "./recording.ts"

const NONE: HitRate = { n: 0, hits: 0, rate: null }
const pct = (r: HitRate) => (r.rate === null ? "     -" : `${(r.rate * 100).toFixed(1).padStart(5)}%`)

export const formatRecordingReport = (report: RecordingReport): string => {
  const lines: Array<string> = []
  lines.push(`replay of ${report.source}: ${report.events} events, base timeframe ${report.timeframe}`)
  if (report.skippedBytes > 0)
    lines.push(`truncated recording: ${report.skippedBytes} bytes after the last complete event skipped`)
  if (report.gaps.length > 0) {
    lines.push(
      `gaps (not filled): ` +
        `${report.gaps.map((g) => `${g.symbol} ${new Date(g.from).toISOString()} ×${g.missing}`).join(", ")}`,
    )
  }
  for (const s of report.symbols) {
    const longs = s.signals.filter((x) => x.side === "long").length
    lines.push("")
    lines.push(
      `${s.symbol}: ${s.candles} candles, ${s.confluence.length} scores, ${s.signals.length} signals (${longs} ` +
        `long, ${s.signals.length - longs} short)`,
    )
    const first = s.hitRates[0]
    if (first === undefined) continue
    const components = [...new Set(s.hitRates.flatMap((h) => Object.keys(h.components)))].sort()
    const names = ["confluence", ...components, "baseline (every bar long)"]
    lines.push(`  hit rate: direction (above/below 50) vs the forward return`)
    lines.push(`  ${"".padEnd(26)}${s.hitRates.map((h) => `+${h.horizon}`.padStart(14)).join("")}`)
    for (const name of names) {
      const cells = s.hitRates.map((h) => {
        const r =
          name === "confluence" ? h.confluence : name.startsWith("baseline") ? h.baseline : (h.components[name] ?? NONE)
        return `${pct(r)} ${String(r.n).padStart(6)}`.padStart(14)
      })
      lines.push(`  ${name.padEnd(26)}${cells.join("")}`)
    }
  }
  return `${lines.join("\n")}\n`
}
