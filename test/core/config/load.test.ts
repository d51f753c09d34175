import { describe, expect, test } from "bun:test"
import { Redacted } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConfigError, loadConfig } from "../../../core/config/index.ts"

const tempDir = () => mkdtempSync(join(tmpdir(), "virtuoso-config-"))

const failure = async (env: Record<string, string>, cwd = tempDir(), argv: Array<string> = []) => {
  try {
    await loadConfig({ env, cwd, argv })
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error("expected the config to be rejected")
}

describe("config defaults", () => {
  test("zero config: sim exchange, SQLite under ./data, 127.0.0.1:8080", async () => {
    const config = await loadConfig({ env: {}, cwd: tempDir() })
    expect(config.exchange.plugin).toBe("sim")
    expect(config.store.path).toBe("./data/virtuoso.db")
    expect(config.http.host).toBe("127.0.0.1")
    expect(config.http.port).toBe(8080)
    expect(config.symbols.static).toEqual(["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT"])
    expect(Object.keys(config.timeframes)).toEqual(["1m", "5m", "30m", "4h"])
    expect(config.analysis.components.orderflow.weight).toBe(0.3)
    expect(config.http.token).toBeUndefined()
  })
})

describe("config overrides", () => {
  test("file, then env, override the defaults key by key", async () => {
    const cwd = tempDir()
    writeFileSync(
      join(cwd, "virtuoso.config.json"),
      JSON.stringify({
        http: { port: 9100, host: "127.0.0.2" },
        exchange: { seed: 7 },
        analysis: { components: { sentiment: { enabled: false } } },
      }),
    )
    const config = await loadConfig({ env: { VIRTUOSO_HTTP_PORT: "9200", VIRTUOSO_LOG_LEVEL: "debug" }, cwd })
    expect(config.http.port).toBe(9200)
    expect(config.http.host).toBe("127.0.0.2")
    expect(config.exchange.seed).toBe(7)
    expect(config.exchange.speed).toBe(1)
    expect(config.log.level).toBe("debug")
    expect(config.analysis.components.sentiment).toEqual({ enabled: false, weight: 0.07 })
  })

  test("--config and VIRTUOSO_CONFIG choose the file", async () => {
    const dir = tempDir()
    const file = join(dir, "custom.json")
    writeFileSync(file, JSON.stringify({ http: { port: 9300 } }))
    expect((await loadConfig({ env: {}, cwd: tempDir(), argv: ["--config", file] })).http.port).toBe(9300)
    expect((await loadConfig({ env: { VIRTUOSO_CONFIG: file }, cwd: tempDir() })).http.port).toBe(9300)
  })

  test("VIRTUOSO_EXCHANGE=binance selects ccxt with that id", async () => {
    const config = await loadConfig({ env: { VIRTUOSO_EXCHANGE: "binance" }, cwd: tempDir() })
    expect(config.exchange.plugin).toBe("ccxt")
    expect(config.exchange.id).toBe("binance")
  })

  test("camelCase keys map to UPPER_SNAKE env names; arrays parse as JSON", async () => {
    const config = await loadConfig({
      env: { VIRTUOSO_HTTP_BODY_LIMIT_BYTES: "2048", VIRTUOSO_SYMBOLS_STATIC: '["BTC/USDT"]' },
      cwd: tempDir(),
    })
    expect(config.http.bodyLimitBytes).toBe(2048)
    expect(config.symbols.static).toEqual(["BTC/USDT"])
  })

  test("secrets are Redacted and never print", async () => {
    const config = await loadConfig({
      env: { VIRTUOSO_HTTP_TOKEN: "s3cret-token", VIRTUOSO_EXCHANGE_API_KEY: "k3y" },
      cwd: tempDir(),
    })
    expect(Redacted.isRedacted(config.http.token)).toBe(true)
    expect(Redacted.value(config.http.token!)).toBe("s3cret-token")
    const printed = `${JSON.stringify(config)} ${String(config.exchange.apiKey)} ${Bun.inspect(config)}`
    expect(printed).not.toContain("s3cret-token")
    expect(printed).not.toContain("k3y")
  })
})

describe("bad config names the key and the problem", () => {
  test("out-of-range value from env", async () => {
    const message = await failure({ VIRTUOSO_HTTP_PORT: "70000" })
    expect(message).toContain("http.port")
    expect(message).toContain("VIRTUOSO_HTTP_PORT")
    expect(message).toMatch(/65535/)
  })

  test("wrong type", async () => {
    expect(await failure({ VIRTUOSO_HTTP_PORT: "eighty" })).toContain("http.port")
    expect(await failure({ VIRTUOSO_STORE_ENABLED: "maybe" })).toContain("store.enabled")
  })

  test("unknown env variable, with the known ones of its section", async () => {
    const message = await failure({ VIRTUOSO_HTTP_PROT: "80" })
    expect(message).toContain("VIRTUOSO_HTTP_PROT")
    expect(message).toContain("VIRTUOSO_HTTP_PORT")
  })

  test("unknown key in the file", async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, "virtuoso.config.json"), JSON.stringify({ http: { prot: 1 } }))
    const message = await failure({}, cwd)
    expect(message).toContain("http.prot")
    expect(message).toContain("unknown key")
  })

  test("invalid JSON in the file names the file", async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, "virtuoso.config.json"), "{ http: ")
    const message = await failure({}, cwd)
    expect(message).toContain("virtuoso.config.json")
    expect(message).toContain("invalid JSON")
  })

  test("a file that is not an object, and a missing explicit file", async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, "virtuoso.config.json"), "[1, 2]")
    expect(await failure({}, cwd)).toContain("must hold a JSON object")
    expect(await failure({ VIRTUOSO_CONFIG: join(cwd, "nope.json") })).toContain("not found")
  })

  test("bad nested values: timeframe name, negative weight, empty secret", async () => {
    const cwd = tempDir()
    writeFileSync(
      join(cwd, "virtuoso.config.json"),
      JSON.stringify({
        timeframes: { "2m": { weight: 1, candles: 100 } },
        analysis: { components: { volume: { weight: -1 } } },
      }),
    )
    const message = await failure({ VIRTUOSO_HTTP_TOKEN: '""' }, cwd)
    expect(message).toContain("timeframes")
    expect(message).toContain("analysis.components.volume.weight")
    expect(message).toContain("http.token")
  })
})
