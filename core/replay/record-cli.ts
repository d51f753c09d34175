/**
 * @module `bun run record`: captures a live session from any exchange plugin into one portable
 * recording file that `bun run replay --input` reads.
 *
 *   bun run record --exchange binance --symbols BTC/USDT,ETH/USDT --for 1h --out session.vrec
 *
 * The engine runs as configured (config file, environment) with analysis, HTTP and the store off:
 * MarketData publishes every input and a tap on the bus — subscribed as the store's recorder is,
 * before anything publishes, so it keeps them in delivery order exactly as a live engine records —
 * writes them into the file as they arrive (recording-writer.ts), behind a header naming the
 * exchange, the symbols and the timeframes. Each delivered batch's closed frames are written
 * before the next is taken, so a recorder killed mid-session leaves a file that replays up to
 * there. At the end (or on Ctrl-C) the open blocks are written and the file closed. Exit 0 on
 * success, 1 with one line for bad input or a failed write.
 */
import { Context, Effect, Layer } from "effect"
import { ConfigError, loadConfig, type VirtuosoConfig } from "../config/index.ts"
import type { VirtuosoEvent } from "../events/index.ts"
import { appLayer } from "../main.ts"
import { MarketData } from "../market/index.ts"
import { recordInto } from "../store/index.ts"
import { RECORDING_FORMAT, type RecordingHeader } from "./recording-file.ts"
import { RecordingWriter } from "./recording-writer.ts"

const USAGE =
  "usage: bun run record --exchange <sim|ccxt id> --symbols A/B,C/D --for <30s|10m|1h> --out session.vrec " +
  "[--config file]"

const failLine = (message: string): never => {
  process.stderr.write(`record: ${message}\n`)
  process.exit(1)
}

interface RecordArgs {
  readonly exchange?: string
  readonly symbols?: ReadonlyArray<string>
  readonly forMs: number
  readonly out: string
  readonly config?: string
}

const durationMs = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text)
  if (m === null) return failLine(`--for: "${text}" is not a duration such as 30s, 10m or 1h`)
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"]
}

const parse = (argv: ReadonlyArray<string>): RecordArgs => {
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    if (flag === "--help") {
      process.stdout.write(`${USAGE}\n`)
      process.exit(0)
    }
    if (!["--exchange", "--symbols", "--for", "--out", "--config"].includes(flag))
      failLine(`unknown argument ${flag} (see --help)`)
    const value = argv[++i]
    if (value === undefined || value.startsWith("--")) failLine(`${flag} needs a value`)
    values.set(flag, value!)
  }
  if (!values.has("--for")) failLine("--for is required (e.g. --for 1h)")
  if (!values.has("--out")) failLine("--out is required (e.g. --out session.vrec)")
  const symbols = values
    .get("--symbols")
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return {
    forMs: durationMs(values.get("--for")!),
    out: values.get("--out")!,
    ...(values.has("--exchange") ? { exchange: values.get("--exchange")! } : {}),
    ...(symbols === undefined ? {} : { symbols }),
    ...(values.has("--config") ? { config: values.get("--config")! } : {}),
  }
}

/** The engine config of a recording session: the user's, with the session's exchange and symbols. */
const sessionConfig = (base: VirtuosoConfig, args: RecordArgs): VirtuosoConfig => {
  const exchange =
    args.exchange === undefined
      ? {}
      : args.exchange === "sim" || args.exchange === "ccxt"
        ? { plugin: args.exchange }
        : { plugin: "ccxt", id: args.exchange }
  return {
    ...base,
    exchange: { ...base.exchange, ...exchange },
    symbols:
      args.symbols === undefined ? base.symbols : { ...base.symbols, static: [...args.symbols], include: [], top: 0 },
    http: { ...base.http, enabled: false },
    analysis: { ...base.analysis, enabled: false },
    store: { ...base.store, enabled: false },
  }
}

/**
 * The session's file: what the bus delivers is held until the header is known (the exchange's id,
 * once MarketData is up: the backfill is published before), then written as it arrives. A failed
 * write ends the session (`failed`).
 */
const fileTap = (out: string) => {
  let writer: RecordingWriter | undefined
  let held: Array<VirtuosoEvent> = []
  let failure: unknown
  let stop: (() => void) | undefined
  const take = (events: ReadonlyArray<VirtuosoEvent>) => {
    if (failure !== undefined) return
    if (writer === undefined) {
      for (const e of events) held.push(e)
      return
    }
    try {
      writer.append(events)
    } catch (e) {
      failure = e
      stop?.()
    }
  }
  return {
    layer: Layer.effectDiscard(recordInto(["market.*"], "record-file", (events) => Effect.sync(() => take(events)))),
    start: (header: Omit<RecordingHeader, "version">) => {
      writer = new RecordingWriter(out, header)
      const early = held
      held = []
      take(early)
    },
    /** Completes when a write failed. */
    failed: Effect.callback<void>((resume) => {
      stop = () => resume(Effect.void)
      if (failure !== undefined) stop()
    }),
    /** Writes the open blocks and closes the file; what was written, or the failure. */
    close: () => {
      if (writer === undefined) return { failure: failure ?? new Error("the session ended before MarketData was up") }
      try {
        writer.close()
      } catch (e) {
        failure ??= e
      }
      return { failure, events: writer.events, bytes: writer.bytes }
    },
  }
}

const record = (config: VirtuosoConfig, args: RecordArgs, tap: ReturnType<typeof fileTap>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const context = yield* Layer.build(appLayer(config, [], tap.layer))
      const market = Context.get(context, MarketData)
      yield* market.awaitReady
      tap.start({
        format: RECORDING_FORMAT,
        exchange: market.exchangeId,
        symbols: [...config.symbols.static],
        timeframes: config.timeframes,
      })
      process.stderr.write(
        `record: ${(yield* market.symbols).join(", ")} on ${market.exchangeId} for ${args.forMs / 1000} s\n`,
      )
      yield* Effect.sleep(args.forMs).pipe(
        Effect.raceFirst(
          Effect.callback<void>((resume) => {
            const stop = () => resume(Effect.void)
            process.once("SIGINT", stop)
            process.once("SIGTERM", stop)
          }),
        ),
        Effect.raceFirst(tap.failed),
      )
    }),
  )

const main = async (argv: ReadonlyArray<string>) => {
  const args = parse(argv)
  let base: VirtuosoConfig
  try {
    base = await loadConfig({
      env: process.env,
      cwd: process.cwd(),
      argv: args.config === undefined ? [] : ["--config", args.config],
    })
  } catch (e) {
    return failLine(e instanceof ConfigError ? e.message : String(e))
  }
  const tap = fileTap(args.out)
  try {
    await Effect.runPromise(record(sessionConfig(base, args), args, tap))
  } finally {
    // The engine stopped (the bus drained into the tap): the open blocks go out now.
    const written = tap.close()
    if (written.failure !== undefined)
      failLine(`${args.out}: ${written.failure instanceof Error ? written.failure.message : String(written.failure)}`)
    process.stderr.write(`record: wrote ${written.events} events (${written.bytes} bytes) to ${args.out}\n`)
  }
}

if (import.meta.main) await main(process.argv.slice(2))
