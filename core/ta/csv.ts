/**
 * @module Candle CSV → columns. Pure (text in, Float64Arrays out); used by the `ta` CLI and by
 * replay. Format: a header line naming the columns (`timestamp,open,high,low,close,volume`, any
 * order, case-insensitive, extra columns ignored), then one candle per line, oldest first.
 * Cells are plain decimal numbers (`58.9`, `1.5e-3`); double-quoted cells are accepted.
 * Every problem is a `CsvParseError` whose message names the line and column.
 */
import { Data } from "effect"

export type CandleColumn = "timestamp" | "open" | "high" | "low" | "close" | "volume"
const CANDLE_COLUMNS: ReadonlyArray<CandleColumn> = ["timestamp", "open", "high", "low", "close", "volume"]

/** The parsed candles as columns; `timestamp` is the candle open time in ms. */
export interface CandleCsv {
  readonly rows: number
  readonly columns: Readonly<Partial<Record<CandleColumn, Float64Array>>>
}

export class CsvParseError extends Data.TaggedError("CsvParseError")<{
  readonly message: string
  /** 1-based line in the input (the header is line 1). */
  readonly line?: number
  readonly column?: string
}> {}

export interface ParseOptions {
  /** Columns that must be present and numeric; others are ignored. Default: all six. */
  readonly columns?: ReadonlyArray<CandleColumn>
  /** Require strictly increasing timestamps (when `timestamp` is read). Default true. */
  readonly ascending?: boolean
  /** Refuse inputs longer than this many characters. Default 200 MiB. */
  readonly maxChars?: number
}

export const DEFAULT_MAX_CHARS = 200 * 1024 * 1024

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** Splits one CSV line; supports `"quoted, cells"` with `""` escapes. */
const splitLine = (line: string): Array<string> => {
  if (!line.includes('"')) return line.split(",")
  const cells: Array<string> = []
  let cell = ""
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ",") {
      cells.push(cell)
      cell = ""
    } else cell += ch
  }
  cells.push(cell)
  return cells
}

const show = (cell: string): string => (cell.length > 40 ? `${cell.slice(0, 40)}…` : cell)

/** Parses candle CSV text into columns; throws `CsvParseError`. */
export const parseCandleCsv = (text: string, options: ParseOptions = {}): CandleCsv => {
  const wanted = options.columns ?? CANDLE_COLUMNS
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS
  if (text.length > maxChars) {
    throw new CsvParseError({ message: `input is larger than ${Math.round(maxChars / 1048576)} MiB` })
  }
  const lines = text.split("\n")
  // Skip leading blank lines to the header.
  let li = 0
  while (li < lines.length && lines[li]!.trim() === "") li++
  if (li === lines.length) throw new CsvParseError({ message: "input is empty (expected a header line)" })
  const header = splitLine(lines[li]!.replace(/^\uFEFF/, "").replace(/\r$/, "")).map((h) => h.trim().toLowerCase())
  const headerLine = li + 1
  const index = new Map<CandleColumn, number>()
  for (const col of wanted) {
    const at = header.indexOf(col)
    if (at < 0) {
      throw new CsvParseError({
        message: `missing column "${col}" (header on line ${headerLine} has: ${header.join(",") || "nothing"})`,
        line: headerLine,
        column: col,
      })
    }
    if (header.indexOf(col, at + 1) >= 0) {
      throw new CsvParseError({ message: `column "${col}" appears twice in the header`, line: headerLine, column: col })
    }
    index.set(col, at)
  }
  const cols = wanted.map((c) => [c, index.get(c)!] as const)
  const maxCell = Math.max(...cols.map(([, at]) => at))
  const values = wanted.map(() => new Float64Array(lines.length - li))
  const checkOrder = (options.ascending ?? true) && index.has("timestamp")
  const tsSlot = wanted.indexOf("timestamp")
  let rows = 0
  for (let l = li + 1; l < lines.length; l++) {
    let line = lines[l]!
    if (line.endsWith("\r")) line = line.slice(0, -1)
    if (line.trim() === "") continue
    const cells = splitLine(line)
    if (cells.length <= maxCell) {
      throw new CsvParseError({
        message: `line ${l + 1} has ${cells.length} cells, the header has ${header.length}`,
        line: l + 1,
      })
    }
    for (let c = 0; c < cols.length; c++) {
      const [name, at] = cols[c]!
      const cell = cells[at]!.trim()
      if (!NUMBER.test(cell)) {
        const what = cell === "" ? "empty cell" : `"${show(cell)}" is not a number`
        throw new CsvParseError({ message: `line ${l + 1}, column "${name}": ${what}`, line: l + 1, column: name })
      }
      values[c]![rows] = Number(cell)
    }
    if (checkOrder && rows > 0 && !(values[tsSlot]![rows]! > values[tsSlot]![rows - 1]!)) {
      throw new CsvParseError({
        message:
          `line ${l + 1}, column "timestamp": ${values[tsSlot]![rows]} is not after the previous row's ` +
          `${values[tsSlot]![rows - 1]} (candles must be oldest first, no duplicates)`,
        line: l + 1,
        column: "timestamp",
      })
    }
    rows++
  }
  const columns: Partial<Record<CandleColumn, Float64Array>> = {}
  wanted.forEach((c, i) => {
    columns[c] = values[i]!.slice(0, rows)
  })
  return { rows, columns }
}
