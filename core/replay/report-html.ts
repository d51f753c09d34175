/**
 * @module `bun run replay ... --html report.html`: the replay as one self-contained page — the
 * chart library and the data inlined, nothing fetched. Candles with a marker per signal, the
 * score with its thresholds underneath, and the forward returns per direction and per score
 * bucket against the always-long baseline. A Content-Security-Policy in the page pins its
 * scripts and style by hash. Same replay → same bytes.
 */
import { createHash } from "node:crypto"
import { chartLibrary } from "../http/dashboard/chart-library.ts"
import { BASE_STYLE, escapeHtml } from "../http/dashboard/shell.ts"
import { replayReportClient } from "./report-html-client.ts"
import type { GroupStats, HorizonStats, ReplayReport, ReplayRun } from "./schema.ts"

const STYLE = `${BASE_STYLE}
#chart { height:620px; border:1px solid var(--line); margin:0 0 1.5rem; }
section { margin:0 0 1.5rem; max-width:72rem; }
td.up { color:#5fd38d; } td.down { color:#ff7b7b; }
dl { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:0 0 1rem; }
dt { color:var(--muted); } dd { margin:0; }
`

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`
const iso = (ms: number | null) => (ms === null ? "–" : new Date(ms).toISOString().slice(0, 16).replace("T", " "))
const pct = (v: number | null, signed = true) => (v === null ? "–" : `${signed && v > 0 ? "+" : ""}${v.toFixed(3)}%`)

const statCells = (stats: ReadonlyArray<HorizonStats>, horizons: ReadonlyArray<number>) =>
  horizons
    .map((h) => {
      const s = stats.find((x) => x.horizon === h)
      if (s === undefined) return "<td>–</td><td>–</td><td>–</td>"
      const tone = s.meanPct === null || s.meanPct === 0 ? "" : s.meanPct > 0 ? ' class="up"' : ' class="down"'
      const hit = s.hitRate === null ? "–" : `${(s.hitRate * 100).toFixed(1)}%`
      return `<td>${s.n}</td><td>${hit}</td><td${tone}>${pct(s.meanPct)}</td>`
    })
    .join("")

const table = (caption: string, rows: ReadonlyArray<GroupStats>, report: ReplayReport, baseline = false) => {
  const head = report.horizons.map((h) => `<th scope="colgroup" colspan="3">+${h} candles</th>`).join("")
  const sub = report.horizons
    .map(() => `<th scope="col">n</th><th scope="col">hit</th><th scope="col">mean</th>`)
    .join("")
  const body = rows
    .map(
      (g) =>
        `<tr><th scope="row" class="text">${escapeHtml(g.label)}</th><td>${g.signals}</td>` +
        `${statCells(g.horizons, report.horizons)}</tr>`,
    )
    .join("\n")
  const base = baseline
    ? `<tr><th scope="row" class="text">baseline (every candle, long)</th><td>–</td>` +
      `${statCells(report.baseline, report.horizons)}</tr>`
    : ""
  return `<table>
<caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col" class="text" rowspan="2">group</th><th scope="col" rowspan="2">signals</th>${head}</tr>
<tr>${sub}</tr></thead>
<tbody>
${body}
${base}
</tbody>
</table>`
}

/** The page for one replay (`run` for the candles and the score trace, `report` for the rest). */
export const renderReplayHtml = (run: ReplayRun, report: ReplayReport): string => {
  const data = {
    candles: run.candles.map((c) => [c.time, c.open, c.high, c.low, c.close]),
    scores: run.trace.map((p) => [p.time, p.score === null ? null : Math.round(p.score * 100) / 100]),
    signals: run.signals.map(({ index, signal }) => ({
      time: run.candles[index]!.time,
      type: signal.type,
      score: signal.score,
    })),
    longAt: report.thresholds.longAt,
    shortAt: report.thresholds.shortAt,
  }
  // `<` escaped so no value can end the JSON block; the library text never contains `</script`
  // (checked by the tests), which would end its block.
  const json = JSON.stringify(data).replace(/</g, "\\u003c")
  const library = chartLibrary().text
  const client = `(${replayReportClient.toString()})();`
  const t = report.thresholds
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(library)} ${sha256(client)}`,
    `style-src ${sha256(STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ")
  const title = `Replay ${report.symbol} ${report.timeframe}`
  const chartLabel =
    `${report.symbol} candles with ${report.signals.length} signal markers; ` +
    "confluence score with long and short thresholds below"
  const notes =
    report.notes.length === 0
      ? ""
      : `<section><h2>Notes</h2><ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul></section>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1></header>
<main>
<dl>
<dt>source</dt><dd>${escapeHtml(report.source)}</dd>
<dt>candles</dt><dd>${report.candles} (${iso(report.from)} .. ${iso(report.to)}),
gaps ${report.gaps}, scored ${report.scored}</dd>
<dt>thresholds</dt><dd>long ≥ ${t.longAt}, short ≤ ${t.shortAt}, buffer ${t.neutralBuffer},
cooldown ${t.cooldownMs / 60_000} min, agreement ≥ ${t.minAgreement}</dd>
<dt>signals</dt><dd id="signal-count">${report.signals.length}</dd>
</dl>
<div id="chart" class="chart" role="img" aria-label="${escapeHtml(chartLabel)}"></div>
<section><h2>Forward returns by direction</h2>
${table("Returns in %, signed for the direction; hit = signed return > 0", report.byDirection, report, true)}
</section>
<section><h2>Forward returns by score bucket</h2>
${table("Signals grouped by the score they fired at", report.byBucket, report)}
</section>
${notes}
</main>
<script type="application/json" id="replay-data">${json}</script>
<script>${library}</script>
<script>${client}</script>
</body>
</html>
`
}
