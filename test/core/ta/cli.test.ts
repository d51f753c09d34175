/** The `ta` CLI as a real child process (`bun core/ta/cli.ts`) on fixture and temp CSVs. */
import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FUNCTIONS, resolveParams } from "../../../core/ta/catalog.ts"
import { expectMatchesTalib, fixtureCsvPath, loadFixture, talibCase } from "../../support/talib-fixture.ts"

const ROOT = join(import.meta.dir, "..", "..", "..")
const CLI = join(ROOT, "core", "ta", "cli.ts")
const dir = mkdtempSync(join(tmpdir(), "ta-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const ta = async (args: ReadonlyArray<string>, stdin?: string): Promise<Run> => {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    cwd: ROOT,
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { code, stdout, stderr }
}

/** Parses the CLI's CSV output into header + columns (empty cell → NaN). */
const parseOutput = (text: string) => {
  const lines = text.trimEnd().split("\n")
  const header = lines[0]!.split(",")
  const cells = lines.slice(1).map((l) => l.split(","))
  const column = (name: string) => {
    const at = header.indexOf(name)
    expect(at).toBeGreaterThanOrEqual(0)
    return Float64Array.from(cells.map((r) => (r[at] === "" ? NaN : Number(r[at]))))
  }
  return { header, cells, column }
}

const tempCsv = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** One failing run: exit 1, nothing on stdout, exactly one `ta: error:` line on stderr. */
const expectError = async (args: ReadonlyArray<string>, pattern: RegExp, stdin?: string) => {
  const r = await ta(args, stdin)
  expect(r.code).toBe(1)
  expect(r.stdout).toBe("")
  expect(r.stderr.endsWith("\n")).toBe(true)
  const lines = r.stderr.trimEnd().split("\n")
  expect(lines.length).toBe(1)
  expect(lines[0]!).toStartWith("ta: error: ")
  expect(lines[0]!).toMatch(pattern)
}

describe("ta CLI output matches TA-Lib", () => {
  const fixture = loadFixture("btcusdt")
  const specs = FUNCTIONS.filter((s) => s.talib && fixture.talib[s.talib])
  specs.forEach((spec, k) => {
    test(`${spec.talib} via the CLI on btcusdt`, async () => {
      const c = talibCase(fixture, spec.name)
      // Alternate between our parameter names (and our function name) and TA-Lib's.
      const useTalib = k % 2 === 0
      const args = [useTalib ? spec.talib! : spec.name, "--input", fixtureCsvPath("btcusdt")]
      for (const [name, value] of Object.entries(c.options)) {
        const p = spec.params.find((q) => q.name === name)!
        args.push("--param", `${useTalib ? p.talib : name}=${value}`)
      }
      const r = await ta(args)
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
      const out = parseOutput(r.stdout)
      const names = spec.outputs.length === 1 ? [spec.name] : [...spec.outputs]
      expect(out.header).toEqual(["timestamp", ...names])
      expect(Array.from(out.column("timestamp"))).toEqual(Array.from(fixture.candles.time))
      spec.outputs.forEach((o, i) => {
        expectMatchesTalib(out.column(names[i]!), c.expected[o]!, { label: `cli ${spec.talib}.${o}` })
      })
      // Warm-up cells are empty; numbers are printed in shortest round-trip form.
      const lookback = spec.lookback(resolveParams(spec, c.options))
      const notShortest = out.cells.flatMap((row) =>
        row.slice(1).filter((cell) => cell !== "" && String(Number(cell)) !== cell),
      )
      expect(notShortest).toEqual([])
      expect(out.cells.slice(0, lookback).every((r) => r.slice(1).every((cell) => cell === ""))).toBe(true)
      expect(out.cells[lookback]!.slice(1).every((cell) => cell !== "")).toBe(true)
    })
  })
})

describe("ta CLI input handling", () => {
  test("stdin with --input -, LTC fixture, default parameters", async () => {
    const r = await ta(["rsi", "--input", "-"], readFileSync(fixtureCsvPath("ltcusdt"), "utf8"))
    expect(r.code).toBe(0)
    const fx = loadFixture("ltcusdt")
    expectMatchesTalib(parseOutput(r.stdout).column("rsi"), fx.talib.RSI!.outputs.outReal!)
  })

  test("function names are case-insensitive and accept TA-Lib spellings", async () => {
    const outs = await Promise.all(
      ["plusDi", "PLUS_DI", "plus_di", "PLUSDI"].map((f) => ta([f, "-i", fixtureCsvPath("btcusdt")])),
    )
    for (const r of outs) expect(r.code).toBe(0)
    expect(new Set(outs.map((r) => r.stdout)).size).toBe(1)
  })

  test("columns in any order, extra columns ignored, only the needed columns required", async () => {
    const path = tempCsv("shuffled.csv", "close,note,timestamp\n1,a,10\n2,b,20\n3,c,30\n4,d,40\n")
    const r = await ta(["mom", "--input", path, "--param", "period=2"])
    expect(r.stderr).toBe("")
    expect(r.stdout).toBe("timestamp,mom\n10,\n20,\n30,2\n40,2\n")
  })

  test("--list prints every function with its parameters and defaults", async () => {
    const r = await ta(["--list"])
    expect(r.code).toBe(0)
    for (const s of FUNCTIONS) expect(r.stdout).toMatch(new RegExp(`^${s.name}\\s`, "m"))
    expect(r.stdout).toContain("period=14 [2..100000]")
    expect(r.stdout).toContain("fastPeriod=12 [2..100000] slowPeriod=26 [2..100000] signalPeriod=9 [1..100000]")
  })
})

describe("ta CLI bad input: exit 1 with one line", () => {
  const good = fixtureCsvPath("btcusdt")
  const head = "timestamp,open,high,low,close,volume\n"

  test("missing column", async () => {
    const path = tempCsv("nocol.csv", "timestamp,open,high,low,close\n1,1,1,1,1\n")
    await expectError(["mfi", "--input", path], /missing column "volume"/)
  })
  test("non-numeric cell names line and column", async () => {
    const path = tempCsv("bad.csv", `${head}1,1,1,1,1,1\n2,1,1,1,x1,1\n`)
    await expectError(["rsi", "--input", path], /line 3, column "close": "x1" is not a number/)
  })
  test("empty file and header-only file", async () => {
    await expectError(["rsi", "--input", tempCsv("empty.csv", "")], /input is empty/)
    await expectError(["rsi", "--input", tempCsv("head.csv", head)], /header but no candles/)
  })
  test("unknown function suggests the closest and lists the valid ones", async () => {
    await expectError(["rsii", "--input", good], /unknown function "rsii" \(did you mean rsi\? valid: sma, ema/)
  })
  test("unknown parameter lists the valid ones", async () => {
    await expectError(
      ["macd", "--input", good, "--param", "fast=3"],
      /macd has no parameter "fast" \(valid: fastPeriod, slowPeriod, signalPeriod\)/,
    )
    await expectError(["obv", "--input", good, "--param", "period=3"], /obv takes no parameters/)
  })
  test("parameter out of range, non-integer or non-numeric", async () => {
    await expectError(
      ["sma", "--input", good, "--param", "period=1"],
      /period must be an integer in \[2, 100000\], got 1/,
    )
    await expectError(["sma", "--input", good, "--param", "period=2.5"], /period must be an integer/)
    await expectError(["sma", "--input", good, "--param", "period=ten"], /must be a number, got "ten"/)
  })
  test("missing function, missing --input, missing file, unknown flag", async () => {
    await expectError([], /missing function name/)
    await expectError(["rsi"], /missing --input/)
    await expectError(["rsi", "--input", join(dir, "nope.csv")], /no such file/)
    await expectError(["rsi", "--input", good, "--fast"], /unknown option "--fast"/)
  })
  test("files over 200 MiB are refused before reading", async () => {
    const path = join(dir, "huge.csv")
    writeFileSync(path, head)
    truncateSync(path, 201 * 1024 * 1024) // sparse: no disk use
    await expectError(["rsi", "--input", path], /larger than 200 MiB/)
  })
})
