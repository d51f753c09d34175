/**
 * @module `bun run doctor [exchange-id] [--symbols A/B,C/D] [--config file]` (also `bun run
 * check-exchange <id>`): checks the configured exchange (or ccxt's `<id>`) and prints a table a
 * user can paste into a bug report. Exit 0 when no check failed, 1 when one did, 2 on bad input.
 */
import { Effect } from "effect"
import { ConfigError, loadConfig, type VirtuosoConfig } from "../../config/index.ts"
import { describeFailure } from "../../resilience/index.ts"
import type { ExchangeAdapter } from "../../plugins/exchange-adapter.ts"
import { pluginConfig } from "../exchange-loader.ts"
import { trackedSymbols } from "../market-data.ts"
import { exchangeReport, formatReport } from "./exchange-report.ts"
import { loadExchangePlugin } from "./load-exchange.ts"

const USAGE = "usage: bun run doctor [exchange-id] [--symbols BTC/USDT,ETH/USDT] [--config virtuoso.config.json]"

const fail = (message: string, code: number): never => {
  process.stderr.write(`doctor: ${message}\n`)
  process.exit(code)
}

interface Args {
  readonly id?: string
  readonly symbols?: ReadonlyArray<string>
  readonly config?: string
}

const parseArgs = (argv: ReadonlyArray<string>): Args => {
  let args: { id?: string; symbols?: ReadonlyArray<string>; config?: string } = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`)
      process.exit(0)
    } else if (a === "--symbols" || a === "--config") {
      const value = argv[++i]
      if (value === undefined) return fail(`${a} needs a value\n${USAGE}`, 2)
      args =
        a === "--symbols"
          ? {
              ...args,
              symbols: value
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : { ...args, config: value }
    } else if (!a.startsWith("-") && args.id === undefined) {
      args = { ...args, id: a }
    } else {
      return fail(`unknown argument ${a}\n${USAGE}`, 2)
    }
  }
  return args
}

const main = async () => {
  const args = parseArgs(process.argv.slice(2))
  let config: VirtuosoConfig
  try {
    const loaded = await loadConfig({
      env: process.env,
      cwd: process.cwd(),
      argv: args.config === undefined ? [] : ["--config", args.config],
    })
    config =
      args.id === undefined ? loaded : { ...loaded, exchange: { ...loaded.exchange, plugin: "ccxt", id: args.id } }
  } catch (e) {
    return fail(e instanceof ConfigError ? e.message : describeFailure(e), 2)
  }
  const symbols = args.symbols ?? trackedSymbols(config)
  let adapter: ExchangeAdapter
  try {
    const plugin = await loadExchangePlugin(config, process.cwd())
    adapter = (await plugin.create(pluginConfig(config.exchange, symbols, Date.now))) as ExchangeAdapter
  } catch (e) {
    return fail(describeFailure(e), 2)
  }
  try {
    const report = await Effect.runPromise(exchangeReport(adapter, { symbols }))
    process.stdout.write(`${formatReport(report)}\n`)
    process.exitCode = report.ok ? 0 : 1
  } finally {
    await adapter.close().catch(() => undefined)
  }
}

await main()
