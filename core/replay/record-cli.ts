/**
 * @module `bun run record`: captures a live session from any exchange plugin into one portable
 * recording file that `bun run replay --input` reads.
 *
 *   bun run record --exchange binance --symbols BTC/USDT,ETH/USDT --for 1h --out session.vrec
 *
 * The engine runs as configured (config file, environment) with analysis and HTTP off and the
 * store in a temporary folder: MarketData publishes every input and the store's recorder keeps
 * them in delivery order, exactly as a live engine records. At the end (or on Ctrl-C) the
 * recorded events go into the file, oldest first, behind a header naming the exchange, the
 * symbols and the timeframes. Exit 0 on success, 1 with one line for bad input.
 */
import { Context, Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConfigError, loadConfig, type VirtuosoConfig } from "../config/index.ts"
import { appLayer } from "../main.ts"
import { MarketData } from "../market/index.ts"
import { EventStore } from "../store/index.ts"
import { recordedEvents } from "./recorded.ts"
import { RECORDING_FORMAT } from "./recording-file.ts"
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
const sessionConfig = (base: VirtuosoConfig, args: RecordArgs, store: string): VirtuosoConfig => {
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
    store: { ...base.store, enabled: true, path: store, record: ["market.*"] },
  }
}

const record = (config: VirtuosoConfig, args: RecordArgs) =>
  Effect.scoped(
    Effect.gen(function* () {
      const context = yield* Layer.build(appLayer(config))
      const market = Context.get(context, MarketData)
      yield* market.awaitReady
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
      )
      return market.exchangeId
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
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-record-"))
  const store = join(dir, "session.db")
  try {
    const config = sessionConfig(base, args, store)
    const exchange = await Effect.runPromise(record(config, args))
    const written = await Effect.runPromise(
      Effect.scoped(
        Effect.map(EventStore, (s) => {
          const writer = new RecordingWriter(args.out, {
            format: RECORDING_FORMAT,
            exchange,
            symbols: [...config.symbols.static],
            timeframes: config.timeframes,
          })
          try {
            writer.append(recordedEvents(s, {}, { coalesced: false }))
          } finally {
            writer.close()
          }
          return { count: writer.events, bytes: writer.bytes }
        }),
      ).pipe(
        Effect.provide(
          EventStore.layer({ path: store, hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" }),
        ),
      ),
    )
    process.stderr.write(`record: wrote ${written.count} events (${written.bytes} bytes) to ${args.out}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) await main(process.argv.slice(2))
