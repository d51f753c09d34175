import { describe, expect, test } from "bun:test"
import { Effect, Stream } from "effect"
import { PluginHost, PluginNotFoundError, type PluginEvent, type PluginInfo } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const LOAD = "test/fixtures/plugins/load"
const byFile = (rows: ReadonlyArray<PluginInfo>, file: string) => rows.find((r) => r.file === `${LOAD}/${file}`)

describe("PluginHost loading", () => {
  test("loads valid plugins, rejects broken ones with messages naming file and field, starts anyway", async () => {
    const rows = await runHost(
      { folders: [LOAD] },
      Effect.flatMap(PluginHost, (h) => h.list),
    )
    expect(byFile(rows, "good.ts")).toMatchObject({
      name: "good",
      kind: "indicator",
      component: "technical",
      state: "active",
      lookback: 2,
      params: { offset: 10 },
      weight: 1,
    })
    expect(byFile(rows, "good.ts")!.version).toMatch(/^[0-9a-f]{16}$/)
    expect(byFile(rows, "folder-exchange/index.ts")).toMatchObject({
      name: "folder-exchange",
      kind: "exchange",
      state: "active",
    })

    const failure = (file: string) => {
      const row = byFile(rows, file)
      expect(row?.state).toBe("failed")
      return row!.lastError!
    }
    expect(failure("bad-shape.ts")).toStartWith(`${LOAD}/bad-shape.ts (plugin "bad-shape"): `)
    expect(failure("bad-shape.ts")).toContain('field "weight"')
    expect(failure("bad-shape.ts")).toContain('field "lookback"')
    expect(failure("no-default.ts")).toBe(
      `${LOAD}/no-default.ts: the default export must be a plugin object, got undefined`,
    )
    expect(failure("unknown-api.ts")).toStartWith(
      `${LOAD}/unknown-api.ts (plugin "unknown-api"): apiVersion 3 is not supported; this host accepts apiVersion 1 (`,
    )
    expect(failure("wrong-component.ts")).toContain(
      'field "component" must be one of technical, volume, orderflow, orderbook, sentiment, price_structure',
    )
    expect(failure("non-function-compute.ts")).toBe(
      `${LOAD}/non-function-compute.ts (plugin "non-function-compute"): field "compute" compute must be a function`,
    )
    expect(failure("throws-on-import.ts")).toBe(`${LOAD}/throws-on-import.ts: import failed: cannot initialise`)
    // Failed files are listed under the name they declared (or their file stem).
    expect(byFile(rows, "throws-on-import.ts")!.name).toBe("throws-on-import")
    expect(rows.some((r) => r.file.includes("_helper"))).toBe(false)
  })

  test("a duplicate name is rejected naming both files; the first file keeps the name", async () => {
    const rows = await runHost(
      { folders: [LOAD] },
      Effect.flatMap(PluginHost, (h) => h.list),
    )
    const dups = rows.filter((r) => r.name === "dup")
    expect(dups.map((r) => [r.file, r.state])).toEqual([
      [`${LOAD}/duplicate-a.ts`, "active"],
      [`${LOAD}/duplicate-b.ts`, "failed"],
    ])
    expect(dups[1].lastError).toBe(
      `duplicate plugin name "dup": already loaded from ${LOAD}/duplicate-a.ts; ${LOAD}/duplicate-b.ts rejected ` +
        `(rename one of them)`,
    )
  })

  test("only working indicators run; config params and weight are applied", async () => {
    const { active, outcomes } = await runHost(
      { folders: [LOAD], pluginConfig: { good: { weight: 3, params: { offset: 20 } } } },
      Effect.gen(function* () {
        const host = yield* PluginHost
        return { active: yield* host.indicators, outcomes: yield* host.evaluate(context()) }
      }),
    )
    expect(active.map((i) => i.plugin.name)).toEqual(["dup", "good"])
    expect(active[1]).toMatchObject({ file: `${LOAD}/good.ts`, weight: 3, params: { offset: 20 } })
    expect(outcomes.find((o) => o.name === "good")).toMatchObject({
      status: "ok",
      score: 70,
      weight: 3,
      values: { offset: 20 },
    })
    expect(outcomes.find((o) => o.name === "dup")).toMatchObject({ status: "ok", score: 60, component: "technical" })
  })

  test("a config param outside its declaration fails the plugin with a message naming the param", async () => {
    const row = await runHost(
      { folders: [LOAD], pluginConfig: { good: { params: { offset: 80 } } } },
      Effect.map(
        Effect.flatMap(PluginHost, (h) => h.list),
        (rows) => byFile(rows, "good.ts"),
      ),
    )
    expect(row).toMatchObject({
      state: "failed",
      lastError: `${LOAD}/good.ts (plugin "good"): param "offset" must be <= 50, got 80`,
    })
  })

  test("enabled: false keeps a plugin listed but never evaluated", async () => {
    const { rows, outcomes } = await runHost(
      { folders: [LOAD], pluginConfig: { good: { enabled: false } } },
      Effect.gen(function* () {
        const host = yield* PluginHost
        return { rows: yield* host.list, outcomes: yield* host.evaluate(context()) }
      }),
    )
    expect(byFile(rows, "good.ts")!.state).toBe("disabled")
    expect(outcomes.map((o) => o.name)).toEqual(["dup"])
  })

  test("health is degraded (not down) and says why; a missing folder is reported, not fatal", async () => {
    const health = await runHost(
      { folders: [LOAD, "test/fixtures/plugins/does-not-exist"] },
      Effect.flatMap(PluginHost, (h) => h.health),
    )
    expect(health.status).toBe("degraded")
    expect(health.reasons).toContain("plugin folder test/fixtures/plugins/does-not-exist does not exist")
    expect(
      health.reasons.some((r) =>
        r.startsWith('plugin "wrong-component" failed (test/fixtures/plugins/load/wrong-component.ts)'),
      ),
    ).toBe(true)
    const clean = await runHost(
      { folders: [] },
      Effect.flatMap(PluginHost, (h) => h.health),
    )
    expect(clean).toEqual({ status: "ok", reasons: [] })
  })

  test("exchange lookup by name; an unknown name fails with the loaded names", async () => {
    const { found, missing } = await runHost(
      { folders: [LOAD] },
      Effect.gen(function* () {
        const host = yield* PluginHost
        return { found: yield* host.exchange("folder-exchange"), missing: yield* Effect.flip(host.exchange("binance")) }
      }),
    )
    expect(found.name).toBe("folder-exchange")
    expect(await found.create({})).toMatchObject({ id: "folder-exchange" })
    expect(missing).toBeInstanceOf(PluginNotFoundError)
    expect(missing).toMatchObject({ _tag: "PluginNotFoundError", plugin: "binance", available: ["folder-exchange"] })
    expect(missing.message).toBe('no exchange plugin named "binance" (loaded: folder-exchange)')
  })

  test("the initial loads and failures are replayed on `changes` to a late subscriber", async () => {
    const events = await runHost(
      { folders: [LOAD] },
      Effect.gen(function* () {
        const host = yield* PluginHost
        return yield* host.changes.pipe(Stream.take(10), Stream.runCollect)
      }),
    )
    const summary = (e: PluginEvent) => `${e.type} ${e.name}`
    expect(events.map(summary).sort()).toEqual([
      "failed bad-shape",
      "failed dup",
      "failed no-default",
      "failed non-function-compute",
      "failed throws-on-import",
      "failed unknown-api",
      "failed wrong-component",
      "loaded dup",
      "loaded folder-exchange",
      "loaded good",
    ])
    expect(events.find((e) => e.type === "failed" && e.name === "dup")!.error).toContain("already loaded from")
  })
})
