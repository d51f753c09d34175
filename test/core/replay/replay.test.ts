import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { parseConfig } from "../../../core/config/index.ts"
import { replayFile, SCORE_BUCKETS, type ReplayOutput } from "../../../core/replay/index.ts"
import { BTC, descendants, LTC, parseXml, readRows } from "./support.ts"

const HORIZONS = [5, 15, 60]
const defaults = parseConfig({})
const lowered = parseConfig({ signals: { longAt: 60, shortAt: 40, cooldownMs: 5 * 60_000 } })

const replay = (path: string, config = defaults): Promise<ReplayOutput> =>
  Effect.runPromise(replayFile(config, path, { symbol: "BTC/USDT", horizons: HORIZONS }))

describe("replay over the real BTC/USDT 1m candles", async () => {
  const out = await replay(BTC)
  const { report, run } = out

  test("every candle goes through the pipeline and most of them get a score", () => {
    expect(report.candles).toBe(1440)
    expect(report.timeframe).toBe("1m") // inferred from the spacing
    expect(report.gaps).toBe(0)
    expect(run.trace).toHaveLength(1440)
    // The early candles are warm-up for every candle-only plugin; after that, always a score.
    expect(report.scored).toBeGreaterThan(1400)
    expect(run.trace.at(-1)!.score).not.toBeNull()
    for (const p of run.trace) if (p.score !== null) expect(p.score >= 0 && p.score <= 100).toBe(true)
  })

  test("the default thresholds (long >= 70, short <= 35) give signals on the right side of them", () => {
    const longs = report.signals.filter((s) => s.signal.type === "long")
    const shorts = report.signals.filter((s) => s.signal.type === "short")
    expect(longs.length).toBeGreaterThan(0)
    expect(shorts.length).toBeGreaterThan(0)
    for (const s of longs) expect(s.signal.score).toBeGreaterThanOrEqual(70)
    for (const s of shorts) expect(s.signal.score).toBeLessThanOrEqual(35)
    for (const s of report.signals) {
      expect(s.signal.thresholds).toEqual({
        longAt: 70,
        shortAt: 35,
        neutralBuffer: 5,
        cooldownMs: 900_000,
        minAgreement: 0.5,
      })
      expect(s.signal.agreement).toBeGreaterThanOrEqual(0.5)
      // SignalEngine decides on the roll-up, here of the one replayed timeframe.
      expect(s.signal.timeframe).toBe("all")
    }
  })

  test("cooldown and hysteresis hold between signals", () => {
    const sigs = report.signals
    for (let k = 1; k < sigs.length; k++) {
      expect(sigs[k]!.signal.time - sigs[k - 1]!.signal.time).toBeGreaterThanOrEqual(900_000)
    }
    // Two longs in a row: in between the score went below longAt − buffer (re-armed).
    for (let k = 1; k < sigs.length; k++) {
      const [a, b] = [sigs[k - 1]!, sigs[k]!]
      if (a.signal.type !== b.signal.type) continue
      const between = run.trace.slice(a.index + 1, b.index).map((p) => p.score ?? Number.NaN)
      if (a.signal.type === "long") expect(between.some((s) => s < 65)).toBe(true)
      else expect(between.some((s) => s > 40)).toBe(true)
    }
  })

  test("price, time and forward returns equal the values read from the CSV by hand", () => {
    const rows = readRows(BTC)
    const picked = [report.signals[0]!, report.signals[Math.floor(report.signals.length / 2)]!, report.signals.at(-1)!]
    for (const s of picked) {
      const row = rows.findIndex((r) => r.time === s.signal.time)
      expect(row).toBe(s.index)
      expect(s.signal.price).toBe(rows[row]!.close)
      s.forward.forEach((f, k) => {
        const exit = rows[row + HORIZONS[k]!]
        if (exit === undefined) {
          expect(f.returnPct).toBeNull()
          return
        }
        const raw = (exit.close / rows[row]!.close - 1) * 100
        expect(f.exitTime).toBe(exit.time)
        expect(f.exitPrice).toBe(exit.close)
        expect(f.returnPct!).toBeCloseTo(raw, 12)
        expect(f.signedPct!).toBeCloseTo(s.signal.type === "long" ? raw : -raw, 12)
      })
    }
    // Signals within the last 60 candles have no 60-candle return: counted as missing, not as 0.
    const late = report.signals.filter((s) => s.index + 60 >= rows.length)
    for (const s of late) expect(s.forward[2]!.signedPct).toBeNull()
  })

  test("groups add up: directions, buckets and hit rates agree with the signal list", () => {
    const all = report.byDirection.find((g) => g.label === "all")!
    expect(all.signals).toBe(report.signals.length)
    expect(report.byBucket.map((b) => b.label)).toEqual(SCORE_BUCKETS.map((b) => b.label))
    expect(report.byBucket.reduce((n, b) => n + b.signals, 0)).toBe(report.signals.length)
    HORIZONS.forEach((h, k) => {
      const signed = report.signals.map((s) => s.forward[k]!.signedPct).filter((v): v is number => v !== null)
      const stats = all.horizons[k]!
      expect(stats.horizon).toBe(h)
      expect(stats.n).toBe(signed.length)
      expect(stats.hits).toBe(signed.filter((v) => v > 0).length)
      expect(stats.meanPct!).toBeCloseTo(signed.reduce((a, b) => a + b, 0) / signed.length, 12)
    })
    const rows = readRows(BTC)
    expect(report.baseline[0]!.n).toBe(rows.length - 5)
  })

  test("candle-only input: plugins needing books, trades or derivatives report unavailable, none fails", () => {
    const book = report.plugins.filter((p) => p.component === "orderbook")
    expect(book.length).toBeGreaterThan(0)
    for (const p of book) {
      expect(p.ok).toBe(0)
      expect(p.reason).toBe("no orderbook data")
    }
    expect(report.plugins.some((p) => p.component === "technical" && p.ok > 1400)).toBe(true)
    for (const p of report.plugins) expect(p.failed + p.quarantined).toBe(0)
    expect(report.unavailableData).toContain("orderbook")
    expect(out.text).toContain("unavailable orderbook-depth (orderbook): no orderbook data")
  })

  test("the same input gives byte-identical signals, report and chart", async () => {
    const again = await replay(BTC)
    expect(again.json).toBe(out.json)
    expect(again.svg).toBe(out.svg)
    expect(again.text).toBe(out.text)
  })

  test("the SVG parses and shows price, score, both thresholds and one marker per signal", () => {
    const svg = parseXml(out.svg)
    expect(svg.name).toBe("svg")
    expect(svg.attributes.xmlns).toBe("http://www.w3.org/2000/svg")
    const all = descendants(svg)
    const cls = (c: string) => all.filter((e) => (e.attributes.class ?? "").split(" ").includes(c))
    expect(cls("price")).toHaveLength(1)
    expect(cls("score").length).toBeGreaterThanOrEqual(1)
    expect(cls("threshold")).toHaveLength(2)
    expect(cls("signal")).toHaveLength(report.signals.length)
    expect(cls("long").filter((e) => e.name === "polygon")).toHaveLength(
      report.signals.filter((s) => s.signal.type === "long").length,
    )
    // The price line has one point per candle, inside the drawing.
    const points = cls("price")[0]!.attributes.points!.split(" ")
    expect(points).toHaveLength(1440)
    for (const p of points) {
      const [x, y] = p.split(",").map(Number)
      expect(x! >= 0 && x! <= 1200 && y! >= 0 && y! <= 640).toBe(true)
    }
  })
})

describe("replay with lowered thresholds and a longer series", () => {
  test("lower thresholds from config give more signals, each past its threshold", async () => {
    const base = await replay(BTC)
    const more = await replay(BTC, lowered)
    expect(more.report.signals.length).toBeGreaterThan(base.report.signals.length)
    expect(more.report.thresholds.longAt).toBe(60)
    for (const s of more.report.signals) {
      if (s.signal.type === "long") expect(s.signal.score).toBeGreaterThanOrEqual(60)
      else expect(s.signal.score).toBeLessThanOrEqual(40)
    }
  })

  test("LTC/USDT: 2,880 candles slide through the 1,000-candle resident window; deterministic", async () => {
    const a = await Effect.runPromise(replayFile(defaults, LTC, { symbol: "LTC/USDT", horizons: [1, 30] }))
    expect(a.report.candles).toBe(2880)
    expect(a.report.signals.length).toBeGreaterThan(0)
    // Past the window's capacity the pipeline keeps scoring.
    expect(a.run.trace.slice(1000).every((p) => p.score !== null)).toBe(true)
    const rows = readRows(LTC)
    const s = a.report.signals.find((x) => x.index > 1500)!
    expect(s.forward[0]!.returnPct!).toBeCloseTo((rows[s.index + 1]!.close / rows[s.index]!.close - 1) * 100, 12)
    const b = await Effect.runPromise(replayFile(defaults, LTC, { symbol: "LTC/USDT", horizons: [1, 30] }))
    expect(b.json).toBe(a.json)
  })
})
