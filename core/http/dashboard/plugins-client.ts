/**
 * @module The plugins page's browser code (inlined by `plugins-page.ts`; self-contained, see
 * `client.ts`). Polls `/v1/plugins` and ticks quarantine countdowns every second against the
 * server's clock (`now` in the answer), so a skewed browser clock does not mislead.
 */
export function pluginsClient(): void {
  type Plugin = {
    name: string
    kind: string
    state: string
    component?: string
    weight?: number
    calls: number
    errors: number
    lastError: string | null
    lastErrorAt: number | null
    retryAt: number | null
    meanMicros: number
    p99Micros: number
  }
  const $ = (id: string) => document.getElementById(id)!
  const el = (tag: string, text?: string, cls?: string) => {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (cls !== undefined) node.className = cls
    return node
  }
  const micros = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} ms` : `${n.toFixed(0)} µs`)
  let skewMs = 0
  let plugins: Array<Plugin> = []

  const countdown = (retryAt: number | null) => {
    if (retryAt === null) return ""
    const left = Math.max(0, Math.ceil((retryAt - (Date.now() + skewMs)) / 1000))
    return left === 0 ? "trial call due" : `retry in ${left} s`
  }
  const render = () => {
    $("plugins").replaceChildren(
      ...plugins.map((p) => {
        const row = el("tr")
        row.dataset.plugin = p.name
        const name = el("th", p.name, "text")
        name.setAttribute("scope", "row")
        const retry = el("td", countdown(p.retryAt), "text countdown")
        retry.dataset.retryAt = String(p.retryAt ?? "")
        row.append(
          name,
          el("td", p.kind, "text"),
          el("td", p.state, `text ${p.state}`),
          el("td", p.component?.replace("_", " ") ?? "", "text"),
          el("td", p.weight === undefined ? "" : String(p.weight)),
          el("td", String(p.calls)),
          el("td", micros(p.meanMicros)),
          el("td", micros(p.p99Micros)),
          el("td", String(p.errors), p.errors > 0 ? "warn" : ""),
          el("td", p.lastError ?? "", "text"),
          retry,
        )
        return row
      }),
    )
    $("count").textContent =
      `${plugins.length} plugins, ${plugins.filter((p) => p.state === "quarantined").length} quarantined`
  }
  const load = async () => {
    try {
      const response = await fetch("/v1/plugins", { headers: { accept: "application/json" } })
      const body = (await response.json()) as { items?: Array<Plugin>; now?: number; message?: string }
      if (!response.ok)
        return void ($("count").textContent = body.message ?? `plugins unavailable (${response.status})`)
      if (typeof body.now === "number") skewMs = body.now - Date.now()
      plugins = body.items ?? []
      render()
      document.body.dataset.ready = "true"
    } catch {
      $("count").textContent = "engine unreachable"
    }
  }
  void load()
  setInterval(load, 2000)
  setInterval(() => {
    for (const cell of document.querySelectorAll<HTMLElement>("td.countdown")) {
      const at = cell.dataset.retryAt
      cell.textContent = at === undefined || at === "" ? "" : countdown(Number(at))
    }
  }, 1000)
}
