import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { CsvParseError, parseCandleCsv } from "../../../core/ta/csv.ts"
import { fixtureCsvPath, loadFixture } from "../../support/talib-fixture.ts"

const fail = (text: string, options?: Parameters<typeof parseCandleCsv>[1]): CsvParseError => {
  try {
    parseCandleCsv(text, options)
  } catch (e) {
    expect(e).toBeInstanceOf(CsvParseError)
    return e as CsvParseError
  }
  throw new Error("expected a CsvParseError")
}

describe("parseCandleCsv", () => {
  test("parses the fixture files exactly like the fixture loader", () => {
    for (const symbol of ["btcusdt", "ltcusdt"] as const) {
      const { rows, columns } = parseCandleCsv(readFileSync(fixtureCsvPath(symbol), "utf8"))
      const c = loadFixture(symbol).candles
      expect(rows).toBe(c.close.length)
      expect(columns.timestamp).toEqual(c.time)
      for (const k of ["open", "high", "low", "close", "volume"] as const) expect(columns[k]).toEqual(c[k])
    }
  })

  test("columns in any order, case-insensitive, extra columns ignored, CRLF, BOM, quotes, blank lines", () => {
    const text =
      '\uFEFFVolume,Close,symbol,TIMESTAMP,low,high,open\r\n5,"1.5",BTC,1000,1,2,1.2\r\n\r\n6,1.75,"a, ' +
      'b",2000,1.5,2,1.5\r\n'
    const { rows, columns } = parseCandleCsv(text)
    expect(rows).toBe(2)
    expect(Array.from(columns.timestamp!)).toEqual([1000, 2000])
    expect(Array.from(columns.close!)).toEqual([1.5, 1.75])
    expect(Array.from(columns.volume!)).toEqual([5, 6])
    expect(Array.from(columns.open!)).toEqual([1.2, 1.5])
  })

  test("only the requested columns are required", () => {
    const { columns } = parseCandleCsv("timestamp,close\n1,10\n2,11\n", { columns: ["timestamp", "close"] })
    expect(Object.keys(columns).sort()).toEqual(["close", "timestamp"])
    expect(Array.from(columns.close!)).toEqual([10, 11])
  })

  test("header only gives zero rows", () => {
    expect(parseCandleCsv("timestamp,open,high,low,close,volume\n").rows).toBe(0)
  })

  test("empty input", () => {
    expect(fail("").message).toBe("input is empty (expected a header line)")
    expect(fail("\n \n").message).toContain("input is empty")
  })

  test("missing column names the column and shows the header", () => {
    const e = fail("timestamp,open,high,low,close\n1,1,1,1,1\n")
    expect(e.message).toBe('missing column "volume" (header on line 1 has: timestamp,open,high,low,close)')
    expect(e.column).toBe("volume")
  })

  test("non-numeric, empty and non-decimal cells name the line and column", () => {
    const head = "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n"
    expect(fail(`${head}2,1,1,1,abc,1\n`).message).toBe('line 3, column "close": "abc" is not a number')
    const e = fail(`${head}2,1,1,1,1,\n`)
    expect(e.message).toBe('line 3, column "volume": empty cell')
    expect([e.line, e.column]).toEqual([3, "volume"])
    expect(fail(`${head}2,1,0x10,1,1,1\n`).message).toContain('column "high": "0x10" is not a number')
    expect(fail(`${head}2,1,1,Infinity,1,1\n`).message).toContain('column "low"')
  })

  test("short rows, duplicate header columns, out-of-order timestamps", () => {
    expect(fail("timestamp,open,high,low,close,volume\n1,1,1\n").message).toBe("line 2 has 3 cells, the header has 6")
    expect(fail("timestamp,close,close,open,high,low,volume\n").message).toContain('column "close" appears twice')
    const e = fail("timestamp,open,high,low,close,volume\n2,1,1,1,1,1\n2,1,1,1,1,1\n")
    expect(e.message).toContain('line 3, column "timestamp": 2 is not after the previous row\'s 2')
    expect(
      parseCandleCsv("timestamp,close\n2,1\n1,1\n", { columns: ["timestamp", "close"], ascending: false }).rows,
    ).toBe(2)
  })

  test("refuses inputs over the size limit", () => {
    expect(fail("timestamp,close\n1,1\n", { maxChars: 10 }).message).toContain("larger than")
  })
})
