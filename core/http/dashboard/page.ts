/**
 * @module The dashboard page served at `GET /`: one self-contained HTML document (inline CSS and
 * JS), built once. A Content-Security-Policy pins the inline script and style by their SHA-256,
 * so nothing else can run on the page.
 */
import { createHash } from "node:crypto"
import { dashboardClient } from "./client.ts"

const STYLE = `
:root { color-scheme: dark; --bg:#0f1115; --fg:#e6e6e6; --muted:#8a8f98; --line:#262a33; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
a { color:#8cc4ff; }
header { display:flex; gap:1rem; align-items:center; padding:.75rem 1.25rem; border-bottom:1px solid var(--line); }
header h1 { font-size:1.1rem; margin:0 auto 0 0; letter-spacing:.04em; }
main { display:grid; grid-template-columns: minmax(0,3fr) minmax(16rem,1fr); gap:1.25rem; padding:1.25rem; }
section h2 { font-size:.8rem; text-transform:uppercase; color:var(--muted); margin:0 0 .5rem; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { padding:.35rem .5rem; border:1px solid var(--line); text-align:center; }
th { font-weight:600; color:var(--muted); } tbody th { text-align:left; color:var(--fg); }
td.total { font-weight:700; }
ul { list-style:none; margin:0; padding:0; }
li { padding:.25rem 0; border-bottom:1px solid var(--line); display:flex; gap:.5rem; }
.badge { padding:.1rem .5rem; border-radius:.75rem; background:#333; font-size:.8rem; }
.healthy, .up, .live { color:#5fd38d; } .degraded, .reconnecting { color:#f2c14e; }
.unhealthy, .down, .unreachable { color:#ff6b6b; }
.kind.long, .kind.buy { color:#5fd38d; } .kind.short, .kind.sell { color:#ff6b6b; }
time, .muted { color:var(--muted); }
`

const SCRIPT = `(${dashboardClient.toString()})();`

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`

export interface DashboardPage {
  readonly html: string
  readonly csp: string
}

/** Builds the page for these component and timeframe names (passed as inert JSON, not script). */
export const dashboardPage = (options: {
  readonly components: ReadonlyArray<string>
  readonly timeframes: ReadonlyArray<string>
}): DashboardPage => {
  // `<` is escaped so no value can close the JSON block early.
  const data = JSON.stringify({ components: options.components, timeframes: options.timeframes }).replace(
    /</g,
    "\\u003c",
  )
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Virtuoso</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>VIRTUOSO</h1>
<nav aria-label="pages"><a href="/plugins-page">plugins</a></nav>
<span>timeframe <select id="timeframe" aria-label="timeframe"></select></span>
<span>updates <b id="updates">0</b></span>
<span>stream <span id="conn" class="badge">connecting</span></span>
<span>health <span id="health-status" class="badge">…</span></span>
</header>
<main>
<section><h2>Confluence (0–100, 50 neutral)</h2><table id="heatmap"></table>
<p id="empty" class="muted">waiting for the first scores…</p></section>
<aside>
<section><h2>Latest signals</h2><p id="no-signals" class="muted">no signals yet</p><ul id="signals"></ul></section>
<section><h2>Health</h2><ul id="health-components"></ul></section>
</aside>
</main>
<script type="application/json" id="virtuoso-config">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ")
  return { html, csp }
}
