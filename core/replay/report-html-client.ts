/**
 * @module The replay report's browser code, inlined by `report-html.ts` (self-contained: no
 * imports at run time, see `core/http/dashboard/client.ts`). Draws the candles with one marker
 * per signal and, in a pane below, the confluence score with the long/short thresholds.
 */
import type * as Charts from "lightweight-charts"

export function replayReportClient(): void {
  const data = JSON.parse(document.getElementById("replay-data")!.textContent ?? "{}") as {
    candles: Array<[number, number, number, number, number]>
    scores: Array<[number, number | null]>
    signals: Array<{ time: number; type: string; score: number }>
    longAt: number
    shortAt: number
  }
  // The chart library is inlined as a classic script, which defines this global; the page has no imports.
  const LC = (globalThis as unknown as { LightweightCharts: typeof Charts }).LightweightCharts
  const box = document.getElementById("chart")!
  const chart = LC.createChart(box, {
    width: box.clientWidth,
    height: box.clientHeight,
    layout: {
      background: { color: "#0f1115" },
      textColor: "#c8ccd4",
      attributionLogo: false,
      panes: { separatorColor: "#2c313b" },
    },
    grid: { vertLines: { color: "#1b1f27" }, horzLines: { color: "#1b1f27" } },
    timeScale: { timeVisible: true, secondsVisible: false },
  })
  const seconds = (ms: number) => (ms / 1000) as Charts.UTCTimestamp
  const candles = chart.addSeries(
    LC.CandlestickSeries,
    {
      upColor: "#26a269",
      downColor: "#e5484d",
      borderVisible: false,
      wickUpColor: "#26a269",
      wickDownColor: "#e5484d",
    },
    0,
  )
  candles.setData(
    data.candles.map(([time, open, high, low, close]) => ({ time: seconds(time), open, high, low, close })),
  )
  const markers = LC.createSeriesMarkers(
    candles,
    data.signals.map((s) => {
      const long = s.type === "long"
      return {
        time: seconds(s.time),
        position: long ? "belowBar" : "aboveBar",
        shape: long ? "arrowUp" : "arrowDown",
        color: long ? "#5fd38d" : "#ff7b7b",
        text: `${s.type} ${s.score.toFixed(0)}`,
      } satisfies Charts.SeriesMarker<Charts.Time>
    }),
  )
  const score = chart.addSeries(
    LC.LineSeries,
    {
      color: "#f2c14e",
      title: "score",
      lineWidth: 2,
      priceLineVisible: false,
      autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }),
    },
    1,
  )
  score.setData(
    data.scores.map(([time, value]) => (value === null ? { time: seconds(time) } : { time: seconds(time), value })),
  )
  score.createPriceLine({
    price: data.longAt,
    color: "#5fd38d",
    lineStyle: LC.LineStyle.Dashed,
    lineWidth: 1,
    title: "long",
  })
  score.createPriceLine({
    price: data.shortAt,
    color: "#ff7b7b",
    lineStyle: LC.LineStyle.Dashed,
    lineWidth: 1,
    title: "short",
  })
  chart.panes()[0]?.setStretchFactor(3)
  chart.panes()[1]?.setStretchFactor(1)
  chart.timeScale().fitContent()
  box.dataset.markers = String(markers.markers().length)
  window.addEventListener("resize", () => chart.resize(box.clientWidth, box.clientHeight))
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      document.body.dataset.ready = "true"
    }),
  )
}
