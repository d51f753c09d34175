/**
 * @module The replay chart as SVG: the close price with long (▲) and short (▼) markers on top,
 * the confluence score underneath with the long and short threshold lines. Plain text output,
 * coordinates rounded to 0.1 px, so the same replay gives the same bytes.
 */
import type { ReplayReport, TracePoint } from "./schema.ts"

const isoOrEmpty = (time: number | null): string => (time === null ? "" : new Date(time).toISOString())

const W = 1200,
  H = 640,
  LEFT = 80,
  RIGHT = 20
const PRICE_TOP = 40,
  PRICE_BOTTOM = 400,
  SCORE_TOP = 440,
  SCORE_BOTTOM = 600

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const f = (v: number): string => (Math.round(v * 10) / 10).toFixed(1)

/** One polyline per run of finite values, so missing scores show as breaks, not as zero. */
const runs = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number | null>): Array<string> => {
  const out: Array<string> = []
  let current: Array<string> = []
  ys.forEach((y, i) => {
    if (y === null || !Number.isFinite(y)) {
      if (current.length > 1) out.push(current.join(" "))
      current = []
    } else current.push(`${f(xs[i]!)},${f(y)}`)
  })
  if (current.length > 1) out.push(current.join(" "))
  return out
}

export const renderChart = (report: ReplayReport, trace: ReadonlyArray<TracePoint>): string => {
  const n = Math.max(1, trace.length - 1)
  const x = (i: number) => LEFT + ((W - LEFT - RIGHT) * i) / n
  let lo = Infinity,
    hi = -Infinity
  for (const p of trace) {
    lo = Math.min(lo, p.close)
    hi = Math.max(hi, p.close)
  }
  if (!Number.isFinite(lo)) {
    lo = 0
    hi = 1
  }
  if (hi === lo) {
    hi += 1
    lo -= 1
  }
  const py = (price: number) => PRICE_BOTTOM - ((PRICE_BOTTOM - PRICE_TOP) * (price - lo)) / (hi - lo)
  const sy = (score: number) => SCORE_BOTTOM - ((SCORE_BOTTOM - SCORE_TOP) * score) / 100
  const xs = trace.map((_, i) => x(i))
  const t = report.thresholds
  const heading =
    `${report.symbol} ${report.timeframe} close, ` + `${report.candles} candles, ${report.signals.length} signals`
  const span = `confluence score; ${isoOrEmpty(report.from)} .. ${isoOrEmpty(report.to)}`
  const parts: Array<string> = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<title>${esc(`replay ${report.symbol} ${report.timeframe}: ${report.signals.length} signals`)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" ` + `font-size="14">${esc(heading)}</text>`,
    `<rect x="${LEFT}" y="${PRICE_TOP}" width="${W - LEFT - RIGHT}" height="${PRICE_BOTTOM - PRICE_TOP}" ` +
      `fill="none" stroke="#cccccc"/>`,
    `<text x="${LEFT - 6}" y="${f(py(hi) + 4)}" text-anchor="end">${esc(String(hi))}</text>`,
    `<text x="${LEFT - 6}" y="${f(py(lo) + 4)}" text-anchor="end">${esc(String(lo))}</text>`,
    ...runs(
      xs,
      trace.map((p) => py(p.close)),
    ).map((pts) => `<polyline class="price" fill="none" stroke="#1f4e79" stroke-width="1" points="${pts}"/>`),
  ]
  for (const s of report.signals) {
    const cx = x(s.index),
      cy = py(s.signal.price)
    const points =
      s.signal.type === "long"
        ? `${f(cx)},${f(cy + 4)} ${f(cx - 6)},${f(cy + 14)} ${f(cx + 6)},${f(cy + 14)}`
        : `${f(cx)},${f(cy - 4)} ${f(cx - 6)},${f(cy - 14)} ${f(cx + 6)},${f(cy - 14)}`
    parts.push(
      `<polygon class="signal ${s.signal.type}" fill="${s.signal.type === "long" ? "#1a9641" : "#d7191c"}" ` +
        `points="${points}">` +
        `<title>${esc(`${s.signal.type} ${s.signal.score.toFixed(1)} at ${s.signal.price}`)}</title></polygon>`,
    )
  }
  parts.push(
    `<rect x="${LEFT}" y="${SCORE_TOP}" width="${W - LEFT - RIGHT}" height="${SCORE_BOTTOM - SCORE_TOP}" ` +
      `fill="none" stroke="#cccccc"/>`,
    `<text x="${LEFT - 6}" y="${f(sy(100) + 4)}" text-anchor="end">100</text>`,
    `<text x="${LEFT - 6}" y="${f(sy(0) + 4)}" text-anchor="end">0</text>`,
    `<line class="threshold long" x1="${LEFT}" x2="${W - RIGHT}" y1="${f(sy(t.longAt))}" y2="${f(sy(t.longAt))}" ` +
      `stroke="#1a9641" stroke-dasharray="4 3"/>`,
    `<text x="${W - RIGHT - 4}" y="${f(sy(t.longAt) - 3)}" text-anchor="end" fill="#1a9641">long ${t.longAt}</text>`,
    `<line class="threshold short" x1="${LEFT}" x2="${W - RIGHT}" y1="${f(sy(t.shortAt))}" y2="${f(sy(t.shortAt))}" ` +
      `stroke="#d7191c" stroke-dasharray="4 3"/>`,
    `<text x="${W - RIGHT - 4}" y="${f(sy(t.shortAt) + 12)}" text-anchor="end" fill="#d7191c">short ` +
      `${t.shortAt}</text>`,
    ...runs(
      xs,
      trace.map((p) => (p.score === null ? null : sy(p.score))),
    ).map((pts) => `<polyline class="score" fill="none" stroke="#555555" stroke-width="1" points="${pts}"/>`),
    ...report.signals.map(
      (s) =>
        `<circle class="score-mark ${s.signal.type}" cx="${f(x(s.index))}" cy="${f(sy(s.signal.score))}" r="3" ` +
        `fill="${s.signal.type === "long" ? "#1a9641" : "#d7191c"}"/>`,
    ),
    `<text x="${LEFT}" ` + `y="${SCORE_BOTTOM + 24}">${esc(span)}</text>`,
    `</svg>`,
  )
  return `${parts.join("\n")}\n`
}
