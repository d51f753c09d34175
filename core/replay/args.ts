/**
 * @module Command-line flags of `bun run replay`, parsed without side effects. Every problem is
 * a ReplayInputError with one line that names the flag.
 */
import { TIMEFRAMES, type Timeframe } from "../market-schema/index.ts"
import { ReplayInputError } from "./errors.ts"

const DEFAULT_HORIZONS: ReadonlyArray<number> = [5, 15, 60]
const DEFAULT_OUT = "./data/replay"
const MAX_HORIZON = 100_000

export const USAGE = [
  "usage: bun run replay --input candles.csv [--symbol BTC/USDT] [--timeframe 1m] [--horizons 5,15,60] [--rollup] " +
    "[--out dir] [--config file] [--json]",
  "       bun run replay --input session.vrec [--horizons ...] [--json]          (a recording from bun run record)",
  "       bun run replay --from-store [--store ./data/virtuoso.db] [--symbol S] [--from ISO] [--to ISO] [--horizons " +
    "...] [--json]",
  "       bun run replay --from-store --timeframe 1m --symbol S --from ISO --to ISO ...   (one stored candle " +
    "series only)",
  "--rollup builds the configured higher timeframes from the candles and rolls them up as the live engine does.",
  "--html report.html also writes the report as one self-contained page (charts, signals, forward returns).",
  "--out, --html and --rollup apply to candle replays (a CSV, or one stored series with --timeframe); a recording " +
    "replay prints its report.",
].join("\n")

export interface ReplayArgs {
  readonly input?: string
  readonly fromStore: boolean
  readonly db?: string
  readonly symbol?: string
  readonly timeframe?: Timeframe
  readonly from?: number
  readonly to?: number
  readonly horizons: ReadonlyArray<number>
  readonly out: string
  readonly config?: string
  /** Also write the report as one self-contained HTML page at this path. */
  readonly html?: string
  readonly json: boolean
  readonly rollup: boolean
  readonly help: boolean
}

const VALUE_FLAGS = [
  "--input",
  "--db",
  "--store",
  "--symbol",
  "--timeframe",
  "--from",
  "--to",
  "--horizons",
  "--out",
  "--config",
  "--html",
] as const
const SWITCHES = ["--from-store", "--rollup", "--json", "--help"] as const

const fail = (message: string): never => {
  throw new ReplayInputError({ message })
}

export const parseHorizons = (text: string): ReadonlyArray<number> => {
  const parts = text.split(",").map((s) => s.trim())
  const out: Array<number> = []
  for (const p of parts) {
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > MAX_HORIZON) {
      fail(`--horizons: "${p}" is not a whole number of candles in 1..${MAX_HORIZON} (e.g. --horizons 5,15,60)`)
    }
    if (out.includes(Number(p))) fail(`--horizons: ${p} is given twice`)
    out.push(Number(p))
  }
  return out.sort((a, b) => a - b)
}

/** ISO-8601 (or epoch ms) → epoch ms. */
const parseInstant = (flag: string, text: string): number => {
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN
  if (!Number.isFinite(ms)) fail(`${flag}: "${text}" is not an ISO-8601 time (e.g. 2026-11-30T00:00:00Z) or epoch ms`)
  return ms
}

export const parseArgs = (argv: ReadonlyArray<string>): ReplayArgs => {
  const values = new Map<string, string>()
  const switches = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf("=")
    const [flag, inline] = arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined]
    if ((SWITCHES as ReadonlyArray<string>).includes(flag)) {
      if (inline !== undefined) fail(`${flag} takes no value`)
      switches.add(flag)
    } else if ((VALUE_FLAGS as ReadonlyArray<string>).includes(flag)) {
      const value = inline ?? argv[++i]
      if (value === undefined || (inline === undefined && value.startsWith("--"))) fail(`${flag} needs a value`)
      if (values.has(flag)) fail(`${flag} is given twice`)
      values.set(flag, value!)
    } else fail(arg.startsWith("-") ? `unknown flag ${arg} (see --help)` : `unexpected argument "${arg}" (see --help)`)
  }
  const help = switches.has("--help")
  const fromStore = switches.has("--from-store")
  const input = values.get("--input")
  const timeframe = values.get("--timeframe")
  if (timeframe !== undefined && !(TIMEFRAMES as ReadonlyArray<string>).includes(timeframe)) {
    fail(`--timeframe: "${timeframe}" is not one of ${TIMEFRAMES.join(", ")}`)
  }
  if (!help) {
    if (fromStore && input !== undefined) fail("give either --input or --from-store, not both")
    if (!fromStore && input === undefined) fail("--input <candles.csv> or --from-store is required (see --help)")
    if (!fromStore)
      for (const f of ["--db", "--store", "--from", "--to"])
        if (values.has(f)) fail(`${f} only applies with --from-store`)
    if (values.has("--db") && values.has("--store")) fail("give either --store or --db, not both")
    // One stored candle series (--timeframe) needs its range; a recording replay takes it all by default.
    if (fromStore && timeframe !== undefined) {
      for (const f of ["--symbol", "--from", "--to"]) if (!values.has(f)) fail(`--from-store --timeframe needs ${f}`)
    }
    // A recording replay prints its report and writes no files; a file replay takes the whole file.
    const candleOnly = fromStore
      ? timeframe === undefined
        ? ["--out", "--html", "--rollup"]
        : []
      : input?.endsWith(".vrec") === true
        ? ["--out", "--html", "--rollup", "--symbol", "--timeframe"]
        : []
    for (const f of candleOnly)
      if (values.has(f) || switches.has(f)) fail(`${f} applies to a candle replay, not to a recording (see --help)`)
  }
  const from = values.has("--from") ? parseInstant("--from", values.get("--from")!) : undefined
  const to = values.has("--to") ? parseInstant("--to", values.get("--to")!) : undefined
  if (from !== undefined && to !== undefined && !(from < to)) fail("--from must be before --to")
  const opt = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as { [P in K]: V })
  return {
    fromStore,
    help,
    json: switches.has("--json"),
    rollup: switches.has("--rollup"),
    horizons: values.has("--horizons") ? parseHorizons(values.get("--horizons")!) : DEFAULT_HORIZONS,
    out: values.get("--out") ?? DEFAULT_OUT,
    ...opt("input", input),
    ...opt("db", values.get("--db") ?? values.get("--store")),
    ...opt("symbol", values.get("--symbol")),
    ...opt("timeframe", timeframe as Timeframe | undefined),
    ...opt("from", from),
    ...opt("to", to),
    ...opt("config", values.get("--config")),
    ...opt("html", values.get("--html")),
  }
}
