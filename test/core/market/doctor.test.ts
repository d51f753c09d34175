/**
 * `bun run doctor` as a user runs it (a subprocess, config from the environment) against the
 * local server: Binance with everything reachable and with the exchange unreachable; Binance, Bybit
 * and OKX with the websocket port closed; Bybit and OKX, whose liquidations come only as a
 * websocket stream, with everything reachable.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { resolve } from "node:path"
import { closedPort, startFixtureExchange, type ExchangeServer } from "../../support/exchange-server/index.ts"

const ROOT = resolve(import.meta.dir, "../../..")
let server: ExchangeServer
beforeAll(async () => {
  server = await startFixtureExchange({ autoTickMs: 100, bybit: true, okx: true })
})
afterAll(() => server.stop())

const doctor = async (urls: unknown, extra: ReadonlyArray<string> = [], exchange = "binance") => {
  const proc = Bun.spawn(["bun", "core/market/doctor/cli.ts", "--symbols", "BTC/USDT,ETH/USDT", ...extra], {
    cwd: ROOT,
    env: { ...process.env, VIRTUOSO_EXCHANGE: exchange, VIRTUOSO_EXCHANGE_URLS: JSON.stringify(urls) },
    stdout: "pipe",
    stderr: "pipe",
  })
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ])
  const rows = new Map(
    out
      .split("\n")
      .filter((l) => l.startsWith("| "))
      .map((l) => {
        const [check, status, detail] = l
          .slice(2, -2)
          .split(" | ")
          .map((c) => c.trim())
        return [check!, { status: status!, detail: detail! }] as const
      }),
  )
  return { code, out, err, rows }
}

test("everything reachable: a table of ok rows, exit 0", async () => {
  const r = await doctor(server.binanceUrls())
  expect(r.err).toBe("")
  expect(r.code).toBe(0)
  expect(r.out).toContain("exchange: binance")
  for (const check of [
    "REST reachable",
    "markets loaded",
    "clock skew",
    "websocket reachable",
    "candles",
    "order book",
    "trades",
    "ticker",
  ]) {
    expect({ check, status: r.rows.get(check)?.status }).toEqual({ check, status: "ok" })
  }
  expect(r.rows.get("rate-limit headroom")?.detail).toContain("engine budget 18/s")
  expect(r.rows.get("rate-limit headroom")?.detail).toMatch(/exchange reports \d+ weight used in the last minute/)
  expect(r.rows.get("candles")?.detail).toBe("5 for BTC/USDT; all 2 symbols")
  expect(r.out).toContain("result: ok")
}, 60_000)

const urlsWithClosedWs = {
  binance: () => server.binanceUrls({ wsPort: closedPort() }),
  bybit: () => server.bybitUrls({ wsPort: closedPort() }),
  okx: () => server.okxUrls({ wsPort: closedPort() }),
}

for (const [exchange, urls] of Object.entries(urlsWithClosedWs)) {
  const title =
    `${exchange}, websocket port closed: the websocket row says why and what the engine does; ` + "REST rows stay ok"
  test(title, async () => {
    const r = await doctor(urls(), [], exchange)
    expect(r.code).toBe(0)
    expect(r.out).toContain(`exchange: ${exchange}`)
    expect(r.rows.get("websocket reachable")?.status).toBe("warn")
    expect(r.rows.get("websocket reachable")?.detail).toMatch(/Network .*— the engine polls REST instead/)
    for (const check of ["REST reachable", "markets loaded", "clock skew", "candles", "order book", "trades"]) {
      expect({ check, status: r.rows.get(check)?.status }).toEqual({ check, status: "ok" })
    }
  }, 60_000)
}

test("data types are asked for every configured symbol: a pair without a perpetual is named", async () => {
  const r = await doctor(server.binanceUrls(), ["--symbols", "BTC/USDT,ETH/BTC"])
  expect(r.code).toBe(0)
  expect(r.rows.get("candles")).toEqual({ status: "ok", detail: "5 for BTC/USDT; all 2 symbols" })
  for (const check of ["funding rate", "open interest"]) {
    expect(r.rows.get(check)).toEqual({
      status: "warn",
      detail: expect.stringMatching(/^served for 1 of 2 symbols; not for ETH\/BTC \(.+\)$/),
    })
  }
}, 60_000)

test("exchange unreachable: fail rows naming the host, exit 1", async () => {
  const port = closedPort()
  const h = `http://127.0.0.1:${port}`
  const r = await doctor(
    { api: { public: `${h}/api/v3`, private: `${h}/api/v3`, v1: `${h}/api/v1`, fapiPublic: `${h}/fapi/v1` } },
    [],
  )
  expect(r.code).toBe(1)
  expect(r.rows.get("REST reachable")).toEqual({
    status: "fail",
    detail: expect.stringContaining(`Network from 127.0.0.1:${port} — NetworkError`),
  })
  expect(r.rows.get("markets loaded")?.status).toBe("fail")
  expect(r.out).toContain("result: FAILED")
}, 60_000)

const reachableUrls = { bybit: () => server.bybitUrls(), okx: () => server.okxUrls() }

for (const [exchange, urls] of Object.entries(reachableUrls)) {
  test(`${exchange}: every data type the engine uses, liquidations as a websocket stream`, async () => {
    const r = await doctor(urls(), [], exchange)
    expect(r.err).toBe("")
    expect(r.code).toBe(0)
    expect(r.out).toContain(`exchange: ${exchange}`)
    for (const check of ["REST reachable", "markets loaded", "clock skew", "websocket reachable", "candles"]) {
      expect({ check, status: r.rows.get(check)?.status }).toEqual({ check, status: "ok" })
    }
    for (const check of ["order book", "trades", "ticker", "funding rate", "open interest"]) {
      expect({ check, status: r.rows.get(check)?.status }).toEqual({ check, status: "ok" })
    }
    expect(r.rows.get("liquidations")).toEqual({
      status: "ok",
      detail: "websocket stream for BTC/USDT's perpetual (no REST endpoint)",
    })
  }, 30_000)
}
