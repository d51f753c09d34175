/**
 * @module The `ta` command: run one indicator over a candle CSV and print CSV.
 *
 *   bun run ta <FUNC> --input candles.csv [--param name=value ...]
 *   bun run ta rsi --input - --param period=21 < candles.csv
 *   bun run ta --list
 *
 * FUNC is case-insensitive and may be a TA-Lib name (`PLUS_DI`, `plusDi`). Output: `timestamp`
 * then one column per output (named by the function for single-output functions, by output name
 * otherwise), an empty cell in warm-up positions, numbers in shortest round-trip form. Any bad
 * input prints ONE line `ta: error: ...` on stderr and exits 1. Values come from the public
 * `core/ta` module (the WASM kernels), the same functions plugins use.
 */
import { FUNCTIONS, lookupFunction, resolveParams, type FunctionSpec } from "./catalog.ts"
import { type CandleColumn, CsvParseError, DEFAULT_MAX_CHARS, parseCandleCsv } from "./csv.ts"
import * as ta from "./index.ts"

type Indicator = (...args: Array<unknown>) => Float64Array | Record<string, Float64Array>

const USAGE = "usage: bun run ta <FUNC> --input <candles.csv|-> [--param name=value ...] | --list | --help"

/** A problem the user can fix; printed as one line. */
class CliError extends Error {}

interface Args {
  readonly func: string | undefined
  readonly input: string | undefined
  readonly params: ReadonlyArray<readonly [string, string]>
  readonly list: boolean
  readonly help: boolean
}

const parseArgs = (argv: ReadonlyArray<string>): Args => {
  let func: string | undefined
  let input: string | undefined
  const params: Array<readonly [string, string]> = []
  let list = false
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf("=")
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined
    const value = (): string => {
      if (inline !== undefined) return inline
      const next = argv[++i]
      if (next === undefined) throw new CliError(`${flag} needs a value`)
      return next
    }
    if (flag === "--list" || flag === "-l") list = true
    else if (flag === "--help" || flag === "-h") help = true
    else if (flag === "--input" || flag === "-i") {
      if (input !== undefined) throw new CliError("--input given twice")
      input = value()
    } else if (flag === "--param" || flag === "-p") {
      const kv = value()
      const at = kv.indexOf("=")
      if (at <= 0) throw new CliError(`--param expects name=value, got "${kv}"`)
      params.push([kv.slice(0, at).trim(), kv.slice(at + 1).trim()])
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new CliError(`unknown option "${arg}" (${USAGE})`)
    } else if (func === undefined) func = arg
    else throw new CliError(`unexpected argument "${arg}" (one function per run)`)
  }
  return { func, input, params, list, help }
}

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]!
}

const findFunction = (name: string): FunctionSpec => {
  const spec = lookupFunction(name)
  if (spec) return spec
  const key = name.toLowerCase().replace(/_/g, "")
  const best = FUNCTIONS.map((s) => ({ s, d: distance(key, s.name.toLowerCase()) })).sort((a, b) => a.d - b.d)[0]!
  const hint = best.d <= 2 ? `did you mean ${best.s.name}? ` : ""
  throw new CliError(`unknown function "${name}" (${hint}valid: ${FUNCTIONS.map((s) => s.name).join(", ")})`)
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** `--param` pairs → options object; accepts our names and TA-Lib names, case-insensitively. */
const buildOptions = (spec: FunctionSpec, pairs: ReadonlyArray<readonly [string, string]>): Record<string, number> => {
  const options: Record<string, number> = {}
  for (const [rawName, rawValue] of pairs) {
    const lower = rawName.toLowerCase()
    const param = spec.params.find((p) => p.name.toLowerCase() === lower || p.talib?.toLowerCase() === lower)
    if (!param) {
      const valid = spec.params.length
        ? `valid: ${spec.params.map((p) => p.name).join(", ")}`
        : `${spec.name} takes no parameters`
      throw new CliError(`${spec.name} has no parameter "${rawName}" (${valid})`)
    }
    if (param.name in options) throw new CliError(`parameter "${param.name}" given twice`)
    if (!NUMBER.test(rawValue))
      throw new CliError(`parameter "${param.name}" of ${spec.name} must be a number, got "${rawValue}"`)
    options[param.name] = Number(rawValue)
  }
  try {
    resolveParams(spec, options)
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(e.message)
    throw e
  }
  return options
}

/** Reads a file or stdin (`-`) as text, refusing more than `limit` bytes. */
const readInput = async (path: string, limit: number): Promise<string> => {
  const tooBig = `input is larger than ${Math.round(limit / 1048576)} MiB; split it or pass fewer candles`
  if (path === "-") {
    const chunks: Array<Uint8Array> = []
    let size = 0
    for await (const chunk of Bun.stdin.stream()) {
      size += chunk.byteLength
      if (size > limit) throw new CliError(tooBig)
      chunks.push(chunk)
    }
    return new TextDecoder().decode(Buffer.concat(chunks))
  }
  const file = Bun.file(path)
  if (!(await file.exists())) throw new CliError(`cannot read input "${path}": no such file`)
  if (file.size > limit) throw new CliError(tooBig)
  try {
    return await file.text()
  } catch (e) {
    throw new CliError(`cannot read input "${path}": ${(e as Error).message}`)
  }
}

const formatList = (): string => {
  const rows = FUNCTIONS.map((s) => {
    const params = s.params.map((p) => `${p.name}=${p.default} [${p.min}..${p.max}]`).join(" ") || "-"
    const outs = s.outputs.length === 1 ? s.name : s.outputs.join(",")
    return [s.name, s.talib ?? "-", s.inputs.join(","), outs, params, s.description] as const
  })
  const head = ["FUNCTION", "TA-LIB", "INPUTS", "OUTPUTS", "PARAMETERS (default [min..max])", "DESCRIPTION"] as const
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ")
  const notes = [
    "",
    "Names are case-insensitive; TA-Lib names work too (PLUS_DI). Parameters: --param name=value (TA-Lib optIn " +
      "names accepted).",
    "MA types: SMA only. Warm-up cells are empty. vwap period 0 = cumulative from the first candle.",
  ]
  return [line(head), ...rows.map(line), ...notes].join("\n") + "\n"
}

const writeCsv = async (
  timestamps: Float64Array,
  headers: ReadonlyArray<string>,
  outputs: ReadonlyArray<Float64Array>,
) => {
  const writer = Bun.stdout.writer()
  writer.write(`timestamp,${headers.join(",")}\n`)
  const n = timestamps.length
  const CHUNK = 8192
  for (let start = 0; start < n; start += CHUNK) {
    const lines: Array<string> = []
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      let line = String(timestamps[i])
      for (const out of outputs) {
        const v = out[i]!
        line += Number.isNaN(v) ? "," : `,${v}`
      }
      lines.push(line)
    }
    writer.write(lines.join("\n") + "\n")
  }
  await writer.flush()
}

/** Runs the CLI; returns the exit code. */
export const main = async (argv: ReadonlyArray<string>, limit = DEFAULT_MAX_CHARS): Promise<number> => {
  try {
    const args = parseArgs(argv)
    if (args.help) {
      process.stdout.write(`${USAGE}\n\n${formatList()}`)
      return 0
    }
    if (args.list) {
      process.stdout.write(formatList())
      return 0
    }
    if (args.func === undefined) throw new CliError(`missing function name (${USAGE})`)
    const spec = findFunction(args.func)
    const options = buildOptions(spec, args.params)
    if (args.input === undefined) throw new CliError(`missing --input <candles.csv|-> (${USAGE})`)
    const text = await readInput(args.input, limit)
    const needed: Array<CandleColumn> = ["timestamp", ...spec.inputs]
    const csv = parseCandleCsv(text, { columns: needed, maxChars: limit })
    if (csv.rows === 0) throw new CliError("input has a header but no candles")
    // The catalogue names the function at run time; the namespace's type cannot be indexed by a runtime name.
    const fn = (ta as unknown as Record<string, Indicator>)[spec.name]
    if (!fn) throw new CliError(`${spec.name} is not available in this build`)
    const result = fn(...spec.inputs.map((c) => csv.columns[c]), options)
    const outputs = result instanceof Float64Array ? [result] : spec.outputs.map((o) => result[o]!)
    const headers = spec.outputs.length === 1 ? [spec.name] : spec.outputs
    await writeCsv(csv.columns.timestamp!, headers, outputs)
    return 0
  } catch (e) {
    const message =
      e instanceof CliError || e instanceof CsvParseError || e instanceof RangeError ? e.message : String(e)
    process.stderr.write(`ta: error: ${message.replace(/\s*\n\s*/g, " ")}\n`)
    return 1
  }
}

if (import.meta.main) process.exitCode = await main(Bun.argv.slice(2))
