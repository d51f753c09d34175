/**
 * End to end on the simulated market: confluence crossings become signals, the signals are
 * delivered to a webhook, stored, and served by `/v1/signals`.
 */
import { expect, test } from "bun:test"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { startApp } from "../../support/app.ts"

test("signals flow from scores to a webhook and /v1/signals", async () => {
  const hooks: Array<any> = []
  let delivered!: () => void
  const arrived = new Promise<void>((resolve) => (delivered = resolve))
  const receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      hooks.push(await request.json())
      delivered()
      return new Response("ok")
    },
  })
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-signals-"))
  // Thresholds close to neutral so the simulated market crosses them within seconds.
  const config = parseConfig({
    http: { port: 0 },
    store: { path: join(dir, "v.db") },
    plugins: { watch: false },
    exchange: { speed: 20, pollMs: 50 },
    log: { level: "warn" },
    signals: { longAt: 52, shortAt: 48, neutralBuffer: 0.5, cooldownMs: 0, minAgreement: 0 },
    alerts: { log: false, webhook: { url: `http://127.0.0.1:${receiver.port}/hook` } },
  })
  const app = await startApp(config)
  try {
    const url = app.url()
    await arrived
    const signal = hooks[0].signal
    expect(["long", "short"]).toContain(signal.type)
    expect(signal.type === "long" ? signal.score >= 52 : signal.score <= 48).toBe(true)
    expect(signal.trade.entry).toBeGreaterThan(0)
    expect(signal.thresholds.longAt).toBe(52)

    // Durable: the signal is committed before its alert is sent, so the API already has it.
    const page = (await (await fetch(new URL("/v1/signals?limit=50", url))).json()) as { items: Array<any> }
    expect(page.items.some((item) => item.id === signal.id && item.type === signal.type)).toBe(true)
  } finally {
    await app.close()
    receiver.stop(true)
  }
}, 30_000)
