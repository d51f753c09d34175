/**
 * @module The symbol page's browser code (inlined by `symbol-page.ts`, see `client.ts` for the
 * rules: self-contained, no imports at run time). It draws one chart per timeframe with
 * lightweight-charts (loaded by the page as the global `LightweightCharts`) through `chartOf`
 * (`symbol-chart.ts`, inlined beside it), fills each timeframe's contributors table through
 * `contributorsOf` (`symbol-contributors.ts`), puts signal markers on the candles, and follows
 * updates over `/v1/stream`.
 */
import type * as Charts from "lightweight-charts"
import type { Bar, Point, symbolChart } from "./symbol-chart.ts"
import type { contributorsTable } from "./symbol-contributors.ts"

export function symbolClient(chartOf: typeof symbolChart, contributorsOf: typeof contributorsTable): void {
  type Signal = { id?: string; symbol?: string; type?: string; direction?: string; time?: number; score?: number }
  type View = {
    tf: string
    stepMs: number
    chart: Charts.IChartApi
    candles: Charts.ISeriesApi<"Candlestick">
    markers: Charts.ISeriesMarkersPluginApi<Charts.Time>
    score: Charts.ISeriesApi<"Line">
    overall: Charts.ISeriesApi<"Line">
    components: Map<string, Charts.ISeriesApi<"Line">>
    firstBar: number
    lastBar: number
  }
  const config = JSON.parse(document.getElementById("virtuoso-config")!.textContent ?? "{}") as {
    symbol: string
    path: string
    timeframes: Array<string>
    stepMs: Record<string, number>
    components: Array<string>
    colors: Record<string, string>
  }
  // The library is a deferred script: it has run by DOMContentLoaded, when `load` reads it.
  let LC!: typeof Charts
  const $ = (id: string) => document.getElementById(id)!
  const el = (tag: string, text?: string, cls?: string) => {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (cls !== undefined) node.className = cls
    return node
  }
  const fmt = (n: number | null | undefined, digits = 1) =>
    typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "–"
  const enc = encodeURIComponent(config.path)
  const getJson = async (path: string) => {
    const response = await fetch(path, { headers: { accept: "application/json" } })
    return { ok: response.ok, body: (await response.json().catch(() => null)) as Record<string, unknown> | null }
  }
  const items = <T>(answer: { ok: boolean; body: Record<string, unknown> | null }) =>
    answer.ok ? ((answer.body?.items as Array<T>) ?? []) : []

  const views = new Map<string, View>()
  /** By id: a signal the page loaded may arrive again over the stream. */
  const signals = new Map<string, Signal>()
  const addSignal = (s: Signal) => signals.set(s.id ?? `${s.time}|${s.type ?? s.direction}`, s)
  let thresholds = { longAt: 70, shortAt: 35 }
  /** Chart time (seconds) of the bar containing `ms` on a timeframe. */
  const barOf = (ms: number, stepMs: number) => ((Math.floor(ms / stepMs) * stepMs) / 1000) as Charts.UTCTimestamp

  /** The signals on a chart's candles, oldest first (one on a candle still open waits for it). */
  const signalsOn = (view: View) =>
    [...signals.values()]
      .filter(
        (s) =>
          typeof s.time === "number" &&
          barOf(s.time, view.stepMs) >= view.firstBar &&
          barOf(s.time, view.stepMs) <= view.lastBar,
      )
      .sort((a, b) => a.time! - b.time!)
  const markersOf = (shown: ReadonlyArray<Signal>, stepMs: number): Array<Charts.SeriesMarker<Charts.Time>> =>
    shown.map((s) => {
      const long = (s.type ?? s.direction) === "long"
      return {
        time: barOf(s.time!, stepMs),
        position: long ? "belowBar" : "aboveBar",
        shape: long ? "arrowUp" : "arrowDown",
        color: long ? "#5fd38d" : "#ff7b7b",
        text: `${long ? "long" : "short"} ${fmt(s.score, 0)}`,
      }
    })
  const refreshMarkers = (view: View) => {
    const shown = signalsOn(view)
    view.markers.setMarkers(markersOf(shown, view.stepMs))
    const box = $(`chart-${view.tf}`)
    box.dataset.markers = String(view.markers.markers().length)
    box.dataset.signals = shown.map((s) => s.id ?? "").join(" ")
    box.dataset.firstCandle = String(view.firstBar * 1000)
    box.dataset.lastCandle = String(view.lastBar * 1000)
  }

  const renderContributors = (tf: string, answer: { ok: boolean; body: Record<string, unknown> | null }) =>
    contributorsOf($(`contributors-${tf}`), $(`contributors-note-${tf}`), answer)

  const buildView = (
    tf: string,
    bars: ReadonlyArray<Bar>,
    history: ReadonlyArray<Point>,
    overall: ReadonlyArray<Point>,
  ) => {
    const stepMs = config.stepMs[tf]!
    const box = $(`chart-${tf}`)
    const input = {
      tf,
      stepMs,
      bars,
      history,
      overall,
      thresholds,
      components: config.components,
      colors: config.colors,
    }
    const series = chartOf(LC, box, input)
    const view: View = {
      tf,
      stepMs,
      ...series,
      firstBar: bars.length === 0 ? Infinity : bars[0]!.time / 1000,
      lastBar: bars.length === 0 ? -Infinity : bars.at(-1)!.time / 1000,
    }
    views.set(tf, view)
    refreshMarkers(view)
    series.chart.timeScale().fitContent()
    box.dataset.candles = String(bars.length)
  }

  /** Appends a point if it is not older than the series' last one (the library refuses those). */
  const newer = (series: { data(): ReadonlyArray<{ time: Charts.Time }> }, time: number) => {
    const last = series.data().at(-1)
    return last === undefined || (last.time as number) <= time
  }
  const putLine = (series: Charts.ISeriesApi<"Line">, point: Charts.LineData<Charts.Time>) => {
    if (newer(series, point.time as number)) series.update(point)
  }
  const putBar = (series: Charts.ISeriesApi<"Candlestick">, point: Charts.CandlestickData<Charts.Time>) => {
    if (newer(series, point.time as number)) series.update(point)
  }

  const onConfluence = (s: {
    symbol?: string
    timeframe?: string
    score?: number | null
    time?: number
    components?: Record<string, number | null>
  }) => {
    if (s.symbol !== config.symbol || typeof s.time !== "number") return
    if (s.timeframe === "all") {
      $("overall-score").textContent = fmt(s.score)
      for (const view of views.values())
        if (typeof s.score === "number") putLine(view.overall, { time: barOf(s.time, view.stepMs), value: s.score })
      return
    }
    const view = views.get(s.timeframe ?? "")
    if (view === undefined) return
    const time = barOf(s.time, view.stepMs)
    if (typeof s.score === "number") putLine(view.score, { time, value: s.score })
    for (const [name, series] of view.components) {
      const value = s.components?.[name]
      if (typeof value === "number") putLine(series, { time, value })
    }
    void refreshTail(view)
  }

  // One refresh per view in flight: updates that arrive meanwhile ask for one more pass after it,
  // so a burst of updates (or a slow server) never piles up requests in the browser.
  const refreshing = new Map<string, "running" | "again">()
  const refreshTail = async (view: View) => {
    if (refreshing.has(view.tf)) {
      refreshing.set(view.tf, "again")
      return
    }
    refreshing.set(view.tf, "running")
    try {
      do {
        refreshing.set(view.tf, "running")
        await refreshOnce(view)
      } while (refreshing.get(view.tf) === "again")
    } catch {
      // A failed refresh is retried by the next update; the stream badge shows a lost connection.
    } finally {
      refreshing.delete(view.tf)
    }
  }

  const refreshOnce = async (view: View) => {
    const [bars, contributors] = await Promise.all([
      getJson(`/v1/candles/${enc}?timeframe=${view.tf}&limit=3`),
      getJson(`/v1/confluence/${enc}/contributors?timeframe=${view.tf}`),
    ])
    for (const b of items<Bar>(bars)) {
      putBar(view.candles, {
        time: (b.time / 1000) as Charts.UTCTimestamp,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
      })
      view.lastBar = Math.max(view.lastBar, b.time / 1000)
    }
    // Signals on the new candle could not be placed before it arrived.
    refreshMarkers(view)
    renderContributors(view.tf, contributors)
  }

  const connect = () => {
    const source = new EventSource("/v1/stream")
    const conn = $("conn")
    source.addEventListener("ready", () => {
      conn.textContent = "live"
      conn.className = "badge live"
      // Signals fired between the first load and this (re)connection arrived on no stream.
      void getJson(`/v1/signals?symbol=${enc}&limit=1000`).then((page) => {
        for (const signal of items<Signal>(page)) addSignal(signal)
        for (const view of views.values()) refreshMarkers(view)
      })
    })
    source.addEventListener("confluence", (e) => onConfluence(JSON.parse((e as MessageEvent).data)))
    source.addEventListener("signal", (e) => {
      const signal = JSON.parse((e as MessageEvent).data) as Signal
      if (signal.symbol !== config.symbol) return
      addSignal(signal)
      for (const view of views.values()) refreshMarkers(view)
    })
    source.onerror = () => {
      conn.textContent = "reconnecting"
      conn.className = "badge reconnecting"
    }
  }

  const fetchAll = () => {
    const overall = Promise.all([
      getJson(`/v1/signals?symbol=${enc}&limit=1000`),
      getJson(`/v1/confluence/${enc}/history?timeframe=all`),
    ])
    const perTimeframe = Promise.all(
      config.timeframes.map((tf) =>
        Promise.all([
          getJson(`/v1/candles/${enc}?timeframe=${tf}`),
          getJson(`/v1/confluence/${enc}/history?timeframe=${tf}`),
          getJson(`/v1/confluence/${enc}/contributors?timeframe=${tf}`),
        ]),
      ),
    )
    return Promise.all([overall, perTimeframe])
  }

  const load = async (data: ReturnType<typeof fetchAll>) => {
    // The chart library is loaded as a classic script, which defines this global; the page has no imports.
    LC = (globalThis as unknown as { LightweightCharts: typeof Charts }).LightweightCharts
    const [[signalPage, overallAnswer], perTimeframe] = await data
    performance.mark("data-loaded")
    for (const signal of items<Signal>(signalPage)) addSignal(signal)
    if (overallAnswer.body?.thresholds !== undefined) thresholds = overallAnswer.body.thresholds as typeof thresholds
    const overall = items<Point>(overallAnswer)
    $("overall-score").textContent = fmt(overall.at(-1)?.score)
    $("thresholds").textContent = `long ≥ ${thresholds.longAt}, short ≤ ${thresholds.shortAt}`
    config.timeframes.forEach((tf, i) => {
      const [bars, history, contributors] = perTimeframe[i]!
      if (!bars.ok) $(`chart-${tf}`).replaceChildren(el("p", String(bars.body?.message ?? "no candles"), "muted"))
      else buildView(tf, items<Bar>(bars), items<Point>(history), overall)
      renderContributors(tf, contributors)
    })
    performance.mark("charts-built")
    // Two frames: the charts paint on the next one; the mark says when the page was ready.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        document.body.dataset.renderMs = performance.now().toFixed(1)
        document.body.dataset.ready = "true"
      }),
    )
    window.addEventListener("resize", () => {
      for (const view of views.values())
        view.chart.resize($(`chart-${view.tf}`).clientWidth, $(`chart-${view.tf}`).clientHeight)
    })
    connect()
  }
  // Data is requested at once, while the chart library is still loading.
  const data = fetchAll()
  document.addEventListener("DOMContentLoaded", () => void load(data))
}
