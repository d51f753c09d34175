/** @module The symbol page served at `GET /symbols/:symbol`: charts per timeframe, score panes, top contributors. */
import { type Component, TIMEFRAME_MS, type Timeframe } from "../../market-schema/index.ts"
import { buildPage, escapeHtml, type Page } from "./shell.ts"
import { symbolChart } from "./symbol-chart.ts"
import { symbolClient } from "./symbol-client.ts"
import { contributorsTable } from "./symbol-contributors.ts"
import { CHART_LIBRARY_PATH } from "./chart-library.ts"

const STYLE = `
.summary { display:flex; gap:1.5rem; margin:0 0 1rem; }
.summary b { font-size:1.2rem; }
section.tf { margin:0 0 1.75rem; }
.chart { height:520px; border:1px solid var(--line); }
.legend { display:flex; flex-wrap:wrap; gap:1rem; margin:.4rem 0; font-size:.85rem; }
.contributors { margin-top:.5rem; max-width:60rem; }
`

/** Line colours per component (one for each: the type lists them), distinguishable on the dark background. */
const COMPONENT_COLORS: Readonly<Record<Component, string>> = {
  technical: "#8cc4ff",
  volume: "#c39bff",
  orderflow: "#5fd3c8",
  orderbook: "#ffa657",
  sentiment: "#ff9bd2",
  price_structure: "#d2e07a",
}

export interface SymbolPageOptions {
  readonly symbol: string
  readonly timeframes: ReadonlyArray<Timeframe>
  readonly components: ReadonlyArray<string>
}

export const symbolPage = ({ symbol, timeframes, components }: SymbolPageOptions): Page => {
  const name = escapeHtml(symbol)
  const legend = components
    .map((c) => `<span><span aria-hidden="true" class="swatch-${c}">■</span> ${escapeHtml(c.replace("_", " "))}</span>`)
    .join("")
  const sections = timeframes
    .map(
      (tf) => `
<section class="tf" aria-labelledby="h-${tf}">
<h2 id="h-${tf}">${tf}</h2>
<div class="chart" id="chart-${tf}" role="img"
 aria-label="${name} ${tf}: candles with signal markers, confluence score with long and short thresholds,
 component scores">
</div>
<table class="contributors">
<caption>Top contributing indicators, latest ${tf} candle: <span id="contributors-note-${tf}">loading…</span></caption>
<thead><tr><th scope="col" class="text">indicator</th><th scope="col" class="text">component</th>
<th scope="col">score</th><th scope="col">contribution</th><th scope="col" class="text">values</th></tr></thead>
<tbody id="contributors-${tf}"></tbody>
</table>
</section>`,
    )
    .join("")
  return buildPage({
    title: `${symbol} · Virtuoso`,
    style:
      STYLE +
      Object.entries(COMPONENT_COLORS)
        .map(([c, color]) => `.swatch-${c} { color:${color}; }`)
        .join("\n"),
    scripts: [CHART_LIBRARY_PATH],
    client: symbolClient,
    helpers: [symbolChart, contributorsTable],
    data: {
      symbol,
      path: symbol.replace("/", "-"),
      timeframes,
      components,
      colors: COMPONENT_COLORS,
      stepMs: Object.fromEntries(timeframes.map((tf) => [tf, TIMEFRAME_MS[tf]])),
    },
    body: `<header><h1>VIRTUOSO · ${name}</h1>
<nav aria-label="pages"><a href="/">heatmap</a><a href="/plugins-page">plugins</a></nav>
<span>stream <span id="conn" class="badge">connecting</span></span>
</header>
<main>
<p class="summary"><span>overall score <b id="overall-score">–</b></span>
<span class="muted">thresholds <span id="thresholds"></span></span></p>
<p class="legend muted">Panes: candles with signal markers · score of the timeframe (yellow), overall (grey),
thresholds (dashed) · components: ${legend}</p>
${sections}
</main>`,
  })
}
