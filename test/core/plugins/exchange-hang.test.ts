/**
 * Exchange plugins run in the host (they hold sockets and the request budget), so a third-party
 * exchange whose `fetchOHLCV` never settles must not hold the engine hostage: the engine, started
 * as a child process with that plugin as its exchange, keeps answering and exits 0 on SIGTERM.
 */
import { expect, test } from "bun:test"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { startEngine } from "../../support/engine-process.ts"

const SIM = resolve(import.meta.dir, "../../../plugins/exchanges/sim/index.ts")

test("a hanging fetchOHLCV of a third-party exchange plugin cannot block shutdown", async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-hang-"))
  const folder = join(dir, "exchanges")
  mkdirSync(folder)
  // The simulator, except that every candle request never answers.
  writeFileSync(
    join(folder, "hangs.ts"),
    [
      `import sim from ${JSON.stringify(SIM)}`,
      `export default {`,
      `  apiVersion: 1, kind: "exchange", name: "hangs",`,
      `  async create(config) {`,
      `    const adapter = await sim.create(config)`,
      `    return Object.assign(Object.create(adapter), { fetchOHLCV: () => new Promise(() => {}) })`,
      `  },`,
      `}`,
    ].join("\n"),
  )
  const engine = await startEngine({
    exchange: { plugin: "hangs", pollMs: 100 },
    symbols: { static: ["BTC/USDT"], top: 0 },
    plugins: { folders: [folder], watch: false },
  })
  const exited = (async () => {
    // The candle requests are in flight (and never answer) while the engine serves.
    const health = await engine.get<{ status: string }>("/health")
    expect(health.status).toBeLessThan(600)
    const plugins = await engine.get<{ items: Array<{ name: string; kind: string; state: string }> }>("/v1/plugins")
    expect(plugins.body.items.find((p) => p.name === "hangs")).toMatchObject({ kind: "exchange", state: "active" })
    return engine.stop()
  })()
  const { code, ms } = await exited
  expect(engine.log()).not.toContain("market data ready")
  expect(code).toBe(0)
  expect(ms).toBeLessThan(5000)
}, 60_000)
