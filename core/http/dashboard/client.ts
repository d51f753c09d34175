/**
 * @module The dashboard's browser code. It is written (and type-checked) as TypeScript, and
 * `page.ts` inlines `dashboardClient.toString()` — Bun has already transpiled it to plain JS — so
 * there is no bundler and no build step. The function must stay self-contained: no imports, no
 * references to anything outside its own body.
 */

/** Runs in the browser. Everything it shows is written with `textContent`, never as HTML. */
export function dashboardClient(): void {
  interface Snapshot {
    symbol: string
    timeframe: string
    score: number | null
    components: Record<string, number | null>
    time: number
  }
  type Loose = Record<string, unknown>
  const config = JSON.parse(document.getElementById("virtuoso-config")!.textContent ?? "{}") as {
    components: Array<string>
    timeframes: Array<string>
  }
  const snapshots = new Map<string, Snapshot>()
  const signals: Array<Loose> = []
  let timeframe: string | null = null
  let pending = false
  let updates = 0

  const $ = (id: string) => document.getElementById(id)!
  const el = (tag: string, text?: string, cls?: string) => {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (cls !== undefined) node.className = cls
    return node
  }
  const fmt = (score: number | null | undefined) =>
    typeof score === "number" && Number.isFinite(score) ? score.toFixed(1) : "–"
  const shade = (score: number | null | undefined) => {
    if (typeof score !== "number" || !Number.isFinite(score)) return "transparent"
    const t = Math.max(-1, Math.min(1, (score - 50) / 50))
    return t < 0
      ? `rgba(220, 60, 60, ${(0.15 + 0.75 * -t).toFixed(2)})`
      : `rgba(40, 170, 90, ${(0.15 + 0.75 * t).toFixed(2)})`
  }
  const clock = (ms: unknown) => (typeof ms === "number" ? new Date(ms).toISOString().slice(11, 19) : "")

  const chooseTimeframe = () => {
    const present = new Set([...snapshots.values()].map((s) => s.timeframe))
    const select = $("timeframe") as HTMLSelectElement
    const order = ["all", ...config.timeframes].filter((tf) => present.has(tf))
    if (select.options.length !== order.length || order.some((tf, i) => select.options[i]!.value !== tf)) {
      select.replaceChildren(
        ...order.map((tf) => {
          const o = el("option", tf) as HTMLOptionElement
          o.value = tf
          return o
        }),
      )
    }
    if (timeframe === null || !present.has(timeframe)) timeframe = order[0] ?? null
    if (timeframe !== null) select.value = timeframe
  }

  const renderHeatmap = () => {
    pending = false
    chooseTimeframe()
    const head = el("tr")
    head.append(el("th", "symbol"), el("th", "score"), ...config.components.map((c) => el("th", c.replace("_", " "))))
    const rows = [...snapshots.values()]
      .filter((s) => s.timeframe === timeframe)
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .map((s) => {
        const row = el("tr")
        row.dataset.symbol = s.symbol
        const link = el("a", s.symbol) as HTMLAnchorElement
        link.href = `/symbols/${encodeURIComponent(s.symbol.replace("/", "-"))}`
        const name = el("th")
        name.append(link)
        row.append(name)
        for (const component of ["score", ...config.components]) {
          const value = component === "score" ? s.score : s.components[component]
          const cell = el("td", fmt(value), component === "score" ? "total" : "")
          cell.dataset.symbol = s.symbol
          cell.dataset.component = component
          cell.style.background = shade(value)
          row.append(cell)
        }
        return row
      })
    $("heatmap").replaceChildren(el("thead"), el("tbody"))
    $("heatmap").firstElementChild!.append(head)
    $("heatmap").lastElementChild!.append(...rows)
    $("empty").hidden = rows.length > 0
    $("updates").textContent = String(updates)
  }
  const schedule = () => {
    if (!pending) {
      pending = true
      requestAnimationFrame(renderHeatmap)
    }
  }
  const upsert = (s: Snapshot) => {
    if (typeof s?.symbol !== "string" || typeof s.timeframe !== "string") return
    snapshots.set(`${s.symbol}|${s.timeframe}`, s)
    updates += 1
    schedule()
  }

  const renderSignals = () => {
    $("signals").replaceChildren(
      ...signals.slice(0, 20).map((s) => {
        const item = el("li")
        const kind = String(s.kind ?? s.direction ?? s.type ?? "signal")
        item.append(
          el("time", clock(s.time ?? s.timestamp)),
          el("b", String(s.symbol ?? "")),
          el("span", kind, `kind ${kind}`),
          el("span", typeof s.score === "number" ? fmt(s.score) : ""),
          el("span", typeof s.message === "string" ? s.message : ""),
        )
        return item
      }),
    )
    $("no-signals").hidden = signals.length > 0
  }

  const renderHealth = (body: Loose | null, reachable: boolean) => {
    const status = !reachable ? "unreachable" : String(body?.status ?? "unknown")
    const badge = $("health-status")
    badge.textContent = status
    badge.className = `badge ${status}`
    const components = body?.components
    const entries: Array<[string, string, string]> = Array.isArray(components)
      ? components.map((c: Loose) => [String(c.name ?? "?"), String(c.status ?? "?"), String(c.reason ?? "")])
      : typeof components === "object" && components !== null
        ? Object.entries(components as Loose).map(([name, c]) =>
            typeof c === "string"
              ? [name, c, ""]
              : [name, String((c as Loose)?.status ?? "?"), String((c as Loose)?.reason ?? "")],
          )
        : []
    $("health-components").replaceChildren(
      ...entries.map(([name, s, reason]) => {
        const item = el("li", `${name}: ${s}`, s)
        if (reason !== "") item.title = reason
        return item
      }),
    )
  }

  const getJson = async (path: string) => {
    const response = await fetch(path, { headers: { accept: "application/json" } })
    return { ok: response.ok, status: response.status, body: (await response.json().catch(() => null)) as Loose | null }
  }
  const loadHealth = () =>
    getJson("/health").then(
      (r) => renderHealth(r.body, r.status !== 404),
      () => renderHealth(null, false),
    )
  const loadSnapshots = () =>
    getJson("/v1/confluence").then(
      (r) => {
        if (r.ok) for (const s of (r.body?.items as Array<Snapshot>) ?? []) upsert(s)
      },
      () => undefined,
    )
  const loadSignals = () =>
    getJson("/v1/signals?limit=20").then(
      (r) => {
        if (r.ok) {
          signals.splice(0, signals.length, ...((r.body?.items as Array<Loose>) ?? []))
          renderSignals()
        } else if (r.status === 404) $("no-signals").textContent = "signals are not enabled"
      },
      () => undefined,
    )

  const connect = () => {
    const source = new EventSource("/v1/stream")
    const conn = $("conn")
    source.addEventListener("ready", () => {
      conn.textContent = "live"
      conn.className = "badge healthy"
    })
    source.addEventListener("confluence", (e) => upsert(JSON.parse((e as MessageEvent).data)))
    source.addEventListener("signal", (e) => {
      signals.unshift(JSON.parse((e as MessageEvent).data))
      signals.length = Math.min(signals.length, 50)
      renderSignals()
    })
    source.addEventListener("health", (e) => renderHealth(JSON.parse((e as MessageEvent).data), true))
    source.onerror = () => {
      conn.textContent = "reconnecting"
      conn.className = "badge degraded"
    }
  }

  ;($("timeframe") as HTMLSelectElement).addEventListener("change", (e) => {
    timeframe = (e.target as HTMLSelectElement).value
    schedule()
  })
  renderSignals()
  void loadHealth()
  void loadSignals()
  void loadSnapshots().then(connect)
  setInterval(loadHealth, 5000)
}
