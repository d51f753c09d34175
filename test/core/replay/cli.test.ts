import { describe, expect, test } from "bun:test"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { BTC, parseXml, readRows, runReplayCli, withTempDir } from "./support.ts"

const run = runReplayCli

describe("bun run replay (child process)", () => {
  test("replays the CSV: table on stdout, JSON report and SVG in --out, byte-identical across runs", () =>
    withTempDir(async (dir) => {
      const config = join(dir, "replay.config.json")
      writeFileSync(config, JSON.stringify({ signals: { longAt: 65, shortAt: 38, cooldownMs: 10 * 60_000 } }))
      const args = [
        "--input",
        BTC,
        "--symbol",
        "BTC/USDT",
        "--timeframe",
        "1m",
        "--horizons",
        "60,5",
        "--config",
        config,
      ]
      const a = await run([...args, "--out", join(dir, "a")])
      expect(a.stderr).toContain("replayed 1440 candles")
      expect(a.code).toBe(0)
      expect(a.stdout).toContain("replay BTC/USDT 1m")
      expect(a.stdout).toContain("thresholds long >= 65, short <= 38")
      expect(a.stdout).toMatch(/^direction all\s+\d+/m)
      expect(a.stdout).toMatch(/^score\s+\[70,80\)/m)
      expect(readdirSync(join(dir, "a")).sort()).toEqual(["replay-BTC-USDT-1m.json", "replay-BTC-USDT-1m.svg"])
      const report = JSON.parse(readFileSync(join(dir, "a/replay-BTC-USDT-1m.json"), "utf8"))
      expect(report.horizons).toEqual([5, 60])
      expect(report.thresholds.longAt).toBe(65)
      expect(report.signals.length).toBeGreaterThan(0)
      // A signal's forward return, by hand from the CSV.
      const rows = readRows(BTC)
      const s = report.signals[3]
      const entry = rows.findIndex((r) => r.time === s.signal.time)
      const raw = (rows[entry + 5]!.close / rows[entry]!.close - 1) * 100
      expect(s.forward[0].signedPct).toBeCloseTo(s.signal.type === "long" ? raw : -raw, 12)
      parseXml(readFileSync(join(dir, "a/replay-BTC-USDT-1m.svg"), "utf8"))

      const b = await run([...args, "--out", join(dir, "b")])
      expect(b.code).toBe(0)
      expect(b.stdout).toBe(a.stdout)
      for (const f of ["replay-BTC-USDT-1m.json", "replay-BTC-USDT-1m.svg"]) {
        expect(readFileSync(join(dir, "b", f))).toEqual(readFileSync(join(dir, "a", f)))
      }
    }))

  test("--json prints the report itself", () =>
    withTempDir(async (dir) => {
      const r = await run(["--input", BTC, "--json", "--horizons", "5", "--out", dir])
      expect(r.code).toBe(0)
      const report = JSON.parse(r.stdout)
      expect(report.symbol).toBe("btcusdt-1m") // no --symbol: named after the file
      expect(r.stdout).toBe(readFileSync(join(dir, "replay-btcusdt-1m-1m.json"), "utf8"))
    }))

  test("an --out that cannot be written → exit 1 with one line, nothing on stdout", () =>
    withTempDir(async (dir) => {
      writeFileSync(join(dir, "f"), "")
      const r = await run(["--input", BTC, "--horizons", "5", "--out", join(dir, "f", "x")])
      expect(r.code).toBe(1)
      expect(r.stdout).toBe("")
      expect(r.stderr).toMatch(/^replay: cannot write to --out .*f\/x: ENOTDIR[^\n]*\n$/)
    }))

  const failures: ReadonlyArray<[string, (dir: string) => ReadonlyArray<string>, RegExp]> = [
    ["missing file", (dir) => ["--input", join(dir, "nope.csv")], /^replay: input file not found: .*nope\.csv$/],
    [
      "bad CSV row",
      (dir) => {
        const lines = readFileSync(BTC, "utf8").split("\n")
        lines[7] = lines[7]!.replace(/,[^,]+,/, ",abc,")
        writeFileSync(join(dir, "bad.csv"), lines.join("\n"))
        return ["--input", join(dir, "bad.csv")]
      },
      /^replay: .*bad\.csv: line 8, column "open": "abc" is not a number$/,
    ],
    ["unknown flag", () => ["--input", BTC, "--speed", "fast"], /^replay: unknown flag --speed \(see --help\)$/],
    [
      "bad horizon",
      () => ["--input", BTC, "--horizons", "5,x"],
      /^replay: --horizons: "x" is not a whole number of candles/,
    ],
    ["zero horizon", () => ["--input", BTC, "--horizons", "0"], /^replay: --horizons: "0" is not a whole number/],
    [
      "timeframe that does not fit the data",
      () => ["--input", BTC, "--timeframe", "5m"],
      /^replay: .*are 60000 ms apart, not a multiple of 5m/,
    ],
    ["no input", () => [], /^replay: --input <candles\.csv> or --from-store is required/],
    [
      "one stored series without range",
      () => ["--from-store", "--timeframe", "1m", "--symbol", "BTC/USDT"],
      /^replay: --from-store --timeframe needs --from$/,
    ],
    [
      "missing store",
      (dir) => [
        "--from-store",
        "--db",
        join(dir, "none.db"),
        "--timeframe",
        "1m",
        "--symbol",
        "BTC/USDT",
        "--from",
        "2021-01-03T00:00:00Z",
        "--to",
        "2021-01-04T00:00:00Z",
      ],
      /^replay: event store not found: /,
    ],
    [
      "bad config",
      (dir) => {
        writeFileSync(join(dir, "c.json"), JSON.stringify({ signals: { longAt: 30, shortAt: 60 } }))
        return ["--input", BTC, "--config", join(dir, "c.json")]
      },
      /^replay: invalid configuration: .*shortAt/,
    ],
  ]
  for (const [name, argsOf, message] of failures) {
    test(`${name} → exit 1 with one line`, () =>
      withTempDir(async (dir) => {
        const r = await run([...argsOf(dir), "--out", join(dir, "out")])
        expect(r.code).toBe(1)
        expect(r.stdout).toBe("")
        const lines = r.stderr.trimEnd().split("\n")
        expect(lines).toHaveLength(1)
        expect(lines[0]!).toMatch(message)
        expect(readdirSync(dir)).not.toContain("out")
      }))
  }
})
