/**
 * @module The frame of the symbol and plugins pages: one HTML document with inline CSS and JS,
 * page data as inert JSON, and a Content-Security-Policy that pins the inline script and style
 * by their SHA-256 (plus, where a page draws charts, the chart library served from this origin).
 */
import { createHash } from "node:crypto"

export const BASE_STYLE = `
:root { color-scheme: dark; --bg:#0f1115; --fg:#e6e6e6; --muted:#9aa0aa; --line:#2c313b; --link:#8cc4ff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
a { color:var(--link); }
header { display:flex; flex-wrap:wrap; gap:1rem; align-items:center; padding:.75rem 1.25rem;
  border-bottom:1px solid var(--line); }
header h1 { font-size:1.1rem; margin:0 auto 0 0; letter-spacing:.04em; }
nav { display:flex; gap:1rem; }
main { padding:1.25rem; }
h2 { font-size:.85rem; text-transform:uppercase; color:var(--muted); margin:0 0 .5rem; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
caption { text-align:left; color:var(--muted); padding:.25rem 0; }
th, td { padding:.3rem .5rem; border:1px solid var(--line); text-align:right; }
th { font-weight:600; color:var(--muted); } td.text, th.text { text-align:left; }
.badge { padding:.1rem .5rem; border-radius:.75rem; background:#22262e; font-size:.8rem; }
.ok, .live, .active, .long { color:#5fd38d; } .warn, .reconnecting, .quarantined { color:#f2c14e; }
.bad, .failed, .short { color:#ff7b7b; }
.muted { color:var(--muted); }
`

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`

export interface Page {
  readonly html: string
  readonly csp: string
}

export interface PageParts {
  readonly title: string
  readonly style: string
  readonly body: string
  /**
   * A self-contained browser function (see `client.ts`): inlined as `(fn)(...helpers)`, each
   * helper inlined as a function expression too, so the client calls them as its parameters.
   */
  readonly client: (...helpers: never[]) => void
  readonly helpers?: ReadonlyArray<(...args: never[]) => unknown>
  /** Read by the client from `#virtuoso-config`. */
  readonly data: unknown
  /**
   * Same-origin scripts, deferred: the inline client runs first (and can start fetching data
   * while they load) and finds them run by `DOMContentLoaded`.
   */
  readonly scripts?: ReadonlyArray<string>
}

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!)

export const buildPage = (parts: PageParts): Page => {
  const style = BASE_STYLE + parts.style
  const helpers = (parts.helpers ?? []).map((helper) => helper.toString()).join(", ")
  const script = `(${parts.client.toString()})(${helpers});`
  // `<` is escaped so no value can close the JSON block early.
  const data = JSON.stringify(parts.data).replace(/</g, "\\u003c")
  const scripts = (parts.scripts ?? []).map((src) => `<script defer src="${escapeHtml(src)}"></script>`).join("\n")
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
<style>${style}</style>
</head>
<body>
${parts.body}
<script type="application/json" id="virtuoso-config">${data}</script>
<script>${script}</script>
${scripts}
</body>
</html>
`
  const csp = [
    "default-src 'none'",
    `script-src ${(parts.scripts ?? []).length > 0 ? "'self' " : ""}${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ")
  return { html, csp }
}
