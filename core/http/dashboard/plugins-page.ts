/** @module The plugins page served at `GET /plugins-page`: state, timings and errors of every plugin. */
import { pluginsClient } from "./plugins-client.ts"
import { buildPage, type Page } from "./shell.ts"

const STYLE = `
td.text { max-width:28rem; overflow-wrap:anywhere; }
`

export const pluginsPage = (): Page =>
  buildPage({
    title: "Plugins · Virtuoso",
    style: STYLE,
    client: pluginsClient,
    data: {},
    body: `<header><h1>VIRTUOSO · plugins</h1>
<nav aria-label="pages"><a href="/">heatmap</a></nav>
<span id="count" class="muted">loading…</span>
</header>
<main>
<table>
<caption>Every loaded plugin; times are per call (p99 over the last 1 024 calls). Refreshes every 2 s.</caption>
<thead><tr><th scope="col" class="text">plugin</th><th scope="col" class="text">kind</th>
<th scope="col" class="text">state</th>
<th scope="col" class="text">component</th><th scope="col">weight</th><th scope="col">calls</th>
<th scope="col">mean</th>
<th scope="col">p99</th><th scope="col">errors</th><th scope="col" class="text">last error</th>
<th scope="col" class="text">quarantine</th></tr></thead>
<tbody id="plugins"></tbody>
</table>
</main>`,
  })
