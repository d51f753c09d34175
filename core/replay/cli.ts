/**
 * @module `bun run replay`: replays recorded candles through the live pipeline and reports how
 * its signals did. Prints the table (or `--json`, the report) on stdout and writes the JSON
 * report and the SVG chart to `--out`; progress and timing go to stderr, so stdout is the same
 * for the same input. Exit 0 on success, 1 with one line on stderr for bad input (file, CSV
 * row, flag, horizon, config, store range), 2 for anything else.
 */
import { Effect } from "effect"
import { ConfigError, loadConfig, type VirtuosoConfig } from "../config/index.ts"
import { loggingLayer } from "../logging/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { EventStoreError } from "../store/index.ts"
import { parseArgs, USAGE, type ReplayArgs } from "./args.ts"
import { ReplayInputError } from "./errors.ts"
import type { ReplayOutput } from "./replay.ts"
import { replayRecording, replayRecordingFile, type RecordingReport } from "./recording.ts"
import { formatRecordingReport } from "./report-recording.ts"
import { writeFileSync } from "node:fs"
import { basename, extname } from "node:path"

const failLine = (message: string, code: number): never => {
  process.stderr.write(`replay: ${message.split("\n")[0]}\n`)
  process.exit(code)
}

const configOf = async (args: ReplayArgs): Promise<VirtuosoConfig> => {
  try {
    return await loadConfig({
      env: process.env,
      cwd: process.cwd(),
      argv: args.config === undefined ? [] : ["--config", args.config],
    })
  } catch (e) {
    return failLine(e instanceof ConfigError ? e.message : `config: ${e instanceof Error ? e.message : String(e)}`, 1)
  }
}

/** The engine's base timeframe (the first configured one), which is what it records most. */
const firstTimeframe = (config: VirtuosoConfig): Timeframe =>
  (Object.keys(config.timeframes)[0] as Timeframe | undefined) ?? "1m"

const main = async (argv: ReadonlyArray<string>) => {
  let args: ReplayArgs
  try {
    args = parseArgs(argv)
  } catch (e) {
    return failLine(e instanceof ReplayInputError ? e.message : String(e), 1)
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const config = await configOf(args)
  const horizons = args.horizons
  const recording: Effect.Effect<RecordingReport, unknown> | undefined =
    args.fromStore && args.timeframe === undefined
      ? replayRecording(config, {
          db: args.db ?? config.store.path,
          symbol: args.symbol,
          from: args.from,
          to: args.to,
          horizons,
        })
      : args.input?.endsWith(".vrec") === true
        ? replayRecordingFile(config, args.input, horizons)
        : undefined
  if (recording !== undefined) return runRecording(recording, config, args)
  // The candle replay's modules (CSV reader, evaluation, chart, HTML report) are loaded only
  // for it: a recording replay starts without them.
  const [{ replayFile, replayStore, writeOutputs }, { renderReplayHtml }] = await Promise.all([
    import("./index.ts"),
    import("./report-html.ts"),
  ])
  const program: Effect.Effect<ReplayOutput, unknown> = args.fromStore
    ? replayStore(config, {
        db: args.db ?? config.store.path,
        symbol: args.symbol!,
        timeframe: args.timeframe ?? firstTimeframe(config),
        from: args.from!,
        to: args.to!,
        horizons,
        rollup: args.rollup,
      })
    : replayFile(config, args.input!, {
        // No --symbol: name the series after the file rather than guess a market.
        symbol: args.symbol ?? basename(args.input!, extname(args.input!)),
        horizons,
        rollup: args.rollup,
        ...(args.timeframe === undefined ? {} : { timeframe: args.timeframe }),
      })
  const started = performance.now()
  const exit = await Effect.runPromiseExit(program.pipe(Effect.provide(loggingLayer({ ...config.log, level: "warn" }))))
  if (exit._tag === "Failure") {
    const error = exit.cause.reasons.find((r) => r._tag === "Fail")
    const e = error?._tag === "Fail" ? error.error : undefined
    if (e instanceof ReplayInputError) return failLine(e.message, 1)
    if (e instanceof EventStoreError) return failLine(`event store: ${e.message}`, 1)
    return failLine(e instanceof Error ? e.message : String(exit.cause), 2)
  }
  const output = exit.value
  const seconds = (performance.now() - started) / 1000
  let paths: { json: string; svg: string }
  try {
    paths = writeOutputs(args.out, output)
  } catch (e) {
    return failLine(`cannot write to --out ${args.out}: ${e instanceof Error ? e.message : String(e)}`, 1)
  }
  if (args.html !== undefined) {
    try {
      writeFileSync(args.html, renderReplayHtml(output.run, output.report))
    } catch (e) {
      return failLine(`cannot write --html ${args.html}: ${e instanceof Error ? e.message : String(e)}`, 1)
    }
  }
  process.stdout.write(args.json ? output.json : output.text)
  process.stderr.write(
    `replayed ${output.report.candles} candles in ${seconds.toFixed(2)} s ` +
      `(${Math.round(output.report.candles / seconds)} candles/s); ` +
      `wrote ${paths.json}, ${paths.svg}${args.html === undefined ? "" : ` and ${args.html}`}\n`,
  )
}

/** Failures of either kind of replay: bad input is exit 1 with one line, anything else exit 2. */
const failureOf = (cause: unknown, fallback: string): never => {
  if (cause instanceof ReplayInputError) return failLine(cause.message, 1)
  if (cause instanceof EventStoreError) return failLine(`event store: ${cause.message}`, 1)
  return failLine(cause instanceof Error ? cause.message : fallback, 2)
}

/** A recording replay: per-symbol results on stdout (the report, or `--json`), timing on stderr. */
const runRecording = async (
  program: Effect.Effect<RecordingReport, unknown>,
  config: VirtuosoConfig,
  args: ReplayArgs,
) => {
  const exit = await Effect.runPromiseExit(program.pipe(Effect.provide(loggingLayer({ ...config.log, level: "warn" }))))
  if (exit._tag === "Failure") {
    const error = exit.cause.reasons.find((r) => r._tag === "Fail")
    return failureOf(error?._tag === "Fail" ? error.error : undefined, String(exit.cause))
  }
  const report = exit.value
  // From the process's start (the clock's origin): module loading and config included.
  const seconds = performance.now() / 1000
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatRecordingReport(report))
  const candles = report.symbols.reduce((n, s) => n + s.candles, 0)
  const scores = report.symbols.reduce((n, s) => n + s.confluence.length, 0)
  process.stderr.write(
    `replayed ${report.events} events (${candles} base candles, history included; ${scores} confluence scores) ` +
      `in ${seconds.toFixed(2)} s, start-up included` +
      `${report.skippedBytes > 0 ? `; skipped ${report.skippedBytes} bytes of a truncated last event` : ""}\n`,
  )
}

if (import.meta.main) await main(process.argv.slice(2))
