import { describe, expect, test } from "bun:test"
import { parseArgs, parseHorizons, ReplayInputError } from "../../../core/replay/index.ts"

const message = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ReplayInputError)
    return (e as ReplayInputError).message
  }
  throw new Error("expected a ReplayInputError")
}

describe("replay flags", () => {
  test("defaults and every flag", () => {
    expect(parseArgs(["--input", "c.csv"])).toEqual({
      input: "c.csv",
      fromStore: false,
      help: false,
      json: false,
      rollup: false,
      horizons: [5, 15, 60],
      out: "./data/replay",
    })
    const a = parseArgs([
      "--from-store",
      "--db=x.db",
      "--symbol",
      "ETH/USDT",
      "--timeframe",
      "5m",
      "--from",
      "2021-01-03T00:00:00Z",
      "--to",
      "1609718400000",
      "--horizons",
      "60, 1,15",
      "--out",
      "o",
      "--config",
      "c.json",
      "--json",
      "--rollup",
    ])
    expect(a).toEqual({
      fromStore: true,
      help: false,
      json: true,
      rollup: true,
      db: "x.db",
      symbol: "ETH/USDT",
      timeframe: "5m",
      from: 1609632000000,
      to: 1609718400000,
      horizons: [1, 15, 60],
      out: "o",
      config: "c.json",
    })
  })

  test("horizons must be distinct whole numbers of candles", () => {
    expect(parseHorizons("3")).toEqual([3])
    expect(message(() => parseHorizons("5,1.5"))).toContain('"1.5" is not a whole number')
    expect(message(() => parseHorizons("-5"))).toContain('"-5"')
    expect(message(() => parseHorizons(""))).toContain('""')
    expect(message(() => parseHorizons("5,5"))).toBe("--horizons: 5 is given twice")
  })

  test("each bad command line names its problem", () => {
    expect(message(() => parseArgs(["--input"]))).toBe("--input needs a value")
    expect(message(() => parseArgs(["--input", "--json"]))).toBe("--input needs a value")
    expect(message(() => parseArgs(["--input", "a", "--input", "b"]))).toBe("--input is given twice")
    expect(message(() => parseArgs(["--input", "a", "-v"]))).toBe("unknown flag -v (see --help)")
    expect(message(() => parseArgs(["a.csv"]))).toBe('unexpected argument "a.csv" (see --help)')
    expect(message(() => parseArgs(["--input", "a", "--timeframe", "7m"]))).toContain('"7m" is not one of 1m')
    expect(message(() => parseArgs(["--input", "a", "--from-store"]))).toBe(
      "give either --input or --from-store, not both",
    )
    expect(message(() => parseArgs(["--input", "a", "--db", "x"]))).toBe("--db only applies with --from-store")
    expect(message(() => parseArgs(["--json=1", "--input", "a"]))).toBe("--json takes no value")
    const store = ["--from-store", "--symbol", "S"]
    expect(message(() => parseArgs([...store, "--from", "yesterday", "--to", "2021-01-02"]))).toContain(
      '--from: "yesterday" is not an ISO-8601 time',
    )
    expect(message(() => parseArgs([...store, "--from", "2021-01-02", "--to", "2021-01-01"]))).toBe(
      "--from must be before --to",
    )
    // Options a recording replay would ignore are refused, naming the option.
    expect(message(() => parseArgs(["--input", "s.vrec", "--html", "r.html"]))).toBe(
      "--html applies to a candle replay, not to a recording (see --help)",
    )
    expect(message(() => parseArgs(["--input", "s.vrec", "--symbol", "BTC/USDT"]))).toContain("--symbol applies")
    expect(message(() => parseArgs(["--from-store", "--out", "d"]))).toContain("--out applies")
    expect(message(() => parseArgs(["--from-store", "--rollup"]))).toContain("--rollup applies")
    expect(parseArgs(["--from-store", "--symbol", "S"]).symbol).toBe("S")
    expect(parseArgs(["--input", "a.csv", "--html", "r.html"]).html).toBe("r.html")
    expect(parseArgs(["--help"]).help).toBe(true)
  })
})
