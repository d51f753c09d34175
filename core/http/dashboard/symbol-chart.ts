/**
 * @module One timeframe's chart on the symbol page, on lightweight-charts: candles, then a pane
 * with this timeframe's score, the overall score and the long/short thresholds, then a pane with
 * each component's score. Browser code like `symbol-client.ts` (self-contained, no imports at run
 * time): the page inlines it beside the client and hands it to the client as its argument.
 */
import type * as Charts from "lightweight-charts"

export type Bar = { time: number; open: number; high: number; low: number; close: number; volume: number }
export type Point = { time: number; score: number | null; components: Record<string, number | null> }

export interface ChartInput {
  readonly tf: string
  readonly stepMs: number
  readonly bars: ReadonlyArray<Bar>
  readonly history: ReadonlyArray<Point>
  readonly overall: ReadonlyArray<Point>
  readonly thresholds: { readonly longAt: number; readonly shortAt: number }
  readonly components: ReadonlyArray<string>
  readonly colors: Readonly<Record<string, string>>
}

/** Draws the chart into `box` and returns its series, for live updates and markers. */
export function symbolChart(LC: typeof Charts, box: HTMLElement, input: ChartInput) {
  const stepMs = input.stepMs
  /** Chart time (seconds) of the bar containing `ms`. */
  const barOf = (ms: number) => ((Math.floor(ms / stepMs) * stepMs) / 1000) as Charts.UTCTimestamp
  /** One point per bar (the last one wins), oldest first: a line must not add times the candles lack. */
  const snapped = (points: ReadonlyArray<Point>, _stepMs: number, pick: (p: Point) => number | null | undefined) => {
    const byBar = new Map<number, number | null>()
    for (const p of points) byBar.set(barOf(p.time), pick(p) ?? null)
    // Bars without a value are left out rather than sent as whitespace: live updates compare
    // against the series' last point, which must be a real one.
    return [...byBar]
      .filter((entry): entry is [number, number] => entry[1] !== null)
      .sort((a, b) => a[0] - b[0])
      .map(([time, value]) => ({ time: time as Charts.UTCTimestamp, value }))
  }

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
    input.bars.map((b) => ({
      time: (b.time / 1000) as Charts.UTCTimestamp,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
    })),
  )
  // Scores live on 0..100: a fixed scale keeps 50 (neutral) and the thresholds in place.
  const scoreScale = () => ({ priceRange: { minValue: 0, maxValue: 100 } })
  const line = (color: string, title: string, width: 1 | 2, pane: number) =>
    chart.addSeries(
      LC.LineSeries,
      {
        color,
        title,
        lineWidth: width,
        priceLineVisible: false,
        lastValueVisible: width === 2,
        autoscaleInfoProvider: scoreScale,
      },
      pane,
    )
  const overallSeries = line("#9aa0aa", "overall", 1, 1)
  const score = line("#f2c14e", `score ${input.tf}`, 2, 1)
  score.setData(snapped(input.history, stepMs, (p) => p.score))
  overallSeries.setData(snapped(input.overall, stepMs, (p) => p.score))
  score.createPriceLine({
    price: input.thresholds.longAt,
    color: "#5fd38d",
    lineStyle: LC.LineStyle.Dashed,
    lineWidth: 1,
    title: "long",
  })
  score.createPriceLine({
    price: input.thresholds.shortAt,
    color: "#ff7b7b",
    lineStyle: LC.LineStyle.Dashed,
    lineWidth: 1,
    title: "short",
  })
  const components = new Map<string, Charts.ISeriesApi<"Line">>()
  for (const name of input.components) {
    const series = line(input.colors[name] ?? "#8cc4ff", name.replace("_", " "), 1, 2)
    series.setData(snapped(input.history, stepMs, (p) => p.components[name]))
    components.set(name, series)
  }
  const panes = chart.panes()
  // Candles get half the height, the score and the components a quarter each.
  panes[0]?.setStretchFactor(2)
  panes[1]?.setStretchFactor(1)
  panes[2]?.setStretchFactor(1)
  return {
    chart,
    candles,
    markers: LC.createSeriesMarkers(candles, []),
    score,
    overall: overallSeries,
    components,
  }
}
