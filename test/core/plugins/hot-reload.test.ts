import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Option, Stream } from "effect"
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { contributionsOf, foldConfluence } from "../../../core/analysis/confluence/index.ts"
import { depsFrom, makeApp } from "../../../core/http/index.ts"
import { PluginHost, type PluginEvent } from "../../../core/plugins/index.ts"
import { context, runHost } from "./support.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-plugins-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const indicator = (name: string, component: string, body: string) =>
  `export default { apiVersion: 1, kind: "indicator", name: ${JSON.stringify(name)}, component: ` +
  `${JSON.stringify(component)}, lookback: 1, compute(ctx) { ${body} } }\n`
/** The host versions a plugin by the content hash of its file. */
const versionOf = (content: string) => Bun.hash(content).toString(16).padStart(16, "0")

describe("PluginHost hot reload (real files, real watcher)", () => {
  test(
    "add → scores, break → quarantined while the rest scores, " +
      "fix → active, bad edit keeps the old version, delete → gone",
    async () => {
      writeFileSync(join(dir, "base.ts"), indicator("base", "technical", "return { score: 40 }"))
      const probe = join(dir, "probe.ts")

      const log = await runHost(
        { folders: [dir], watch: true, debounceMs: 30 },
        Effect.scoped(
          Effect.gen(function* () {
            const host = yield* PluginHost
            const steps: Record<string, unknown> = {}
            /** Writes (or deletes) the file and waits for the event, timing how long the host took. */
            const change = Effect.fnUntraced(function* (content: string | null, until: (e: PluginEvent) => boolean) {
              const started = performance.now()
              if (content === null) unlinkSync(probe)
              else writeFileSync(probe, content)
              const event = yield* host.changes.pipe(Stream.filter(until), Stream.runHead, Effect.timeout("5 seconds"))
              return { event: Option.getOrThrow(event), ms: performance.now() - started }
            })
            const score = Effect.map(host.evaluate(context()), (outcomes) =>
              foldConfluence(outcomes, { timeframe: "1m", time: 0 }),
            )
            // The real HTTP app over this host: what GET /v1/plugins shows for the probe.
            const app = makeApp(yield* depsFrom({ plugins: host }))
            const probeOverHttp = Effect.promise(async () => {
              const res = await app.request("/v1/plugins")
              const body = (await res.json()) as {
                items: ReadonlyArray<{ name: string; state: string; version: string }>
              }
              return { status: res.status, probe: body.items.find((p) => p.name === "probe") }
            })

            steps.before = yield* score

            const v1 = indicator("probe", "orderflow", "return { score: 80, values: { x: 1 } }")
            steps.added = yield* change(
              v1,
              (e) => e.type === "loaded" && e.name === "probe" && e.version === versionOf(v1),
            )
            steps.listedAfterAdd = (yield* host.list).find((p) => p.name === "probe")
            steps.httpAfterAdd = yield* probeOverHttp
            steps.afterAdd = yield* score

            const broken = indicator("probe", "orderflow", 'throw new Error("broken on purpose")')
            steps.broken = yield* change(
              broken,
              (e) => e.type === "reloaded" && e.name === "probe" && e.version === versionOf(broken),
            )
            for (let i = 0; i < 3; i++) yield* host.evaluate(context())
            steps.quarantineEvent = yield* host.changes.pipe(
              Stream.filter((e) => e.type === "quarantined" && e.name === "probe"),
              Stream.runHead,
            )
            steps.whileBroken = yield* score
            steps.listedWhileBroken = (yield* host.list).find((p) => p.name === "probe")
            steps.httpWhileBroken = yield* probeOverHttp

            const fixed = indicator("probe", "orderflow", "return { score: 60 }")
            steps.fixed = yield* change(
              fixed,
              (e) => e.type === "reloaded" && e.name === "probe" && e.version === versionOf(fixed),
            )
            steps.listedAfterFix = (yield* host.list).find((p) => p.name === "probe")
            steps.httpAfterFix = yield* probeOverHttp
            steps.afterFix = yield* score

            steps.badEdit = yield* change(
              indicator("probe", "vibes", "return { score: 99 }"),
              (e) => e.type === "failed" && e.name === "probe",
            )
            steps.listedAfterBadEdit = (yield* host.list).filter((p) => p.name === "probe")
            steps.afterBadEdit = yield* score

            steps.syntaxError = yield* change(
              "export default { apiVersion: 1,, }",
              (e) => e.type === "failed" && e.file.endsWith("probe.ts") && (e.error ?? "").includes("import failed"),
            )
            steps.afterSyntaxError = yield* score
            steps.listedAfterSyntaxError = (yield* host.list).find((p) => p.name === "probe")

            steps.deleted = yield* change(null, (e) => e.type === "unloaded" && e.name === "probe")
            steps.listedAfterDelete = (yield* host.list).filter((p) => p.name === "probe")
            steps.httpAfterDelete = yield* probeOverHttp

            const started = performance.now()
            mkdirSync(join(dir, "late-exchange"))
            writeFileSync(
              join(dir, "late-exchange", "index.ts"),
              'export default { apiVersion: 1, kind: "exchange", name: "late-exchange", create: () => ({ id: ' +
                '"late" }) }\n',
            )
            yield* host.changes.pipe(
              Stream.filter((e) => e.type === "loaded" && e.name === "late-exchange"),
              Stream.runHead,
              Effect.timeout("5 seconds"),
            )
            steps.exchangeMs = performance.now() - started
            steps.exchange = (yield* host.exchange("late-exchange")).name
            return steps
          }),
        ),
      )

      const s = log as Record<string, any>
      expect(s.before.score).toBe(40)
      // It appears in the list and moves the score: (.10·40 + .30·80) / .40 = 70.
      expect(s.listedAfterAdd).toMatchObject({
        state: "active",
        component: "orderflow",
        file: probe,
        version: s.added.event.version,
      })
      expect(s.httpAfterAdd).toMatchObject({ status: 200, probe: { state: "active", version: s.added.event.version } })
      expect(s.afterAdd.score).toBeCloseTo(70, 10)
      expect(contributionsOf(s.afterAdd, "orderflow")[0]).toMatchObject({ name: "probe", score: 80, values: { x: 1 } })
      // Broken: quarantined after 3 failures, the rest still scores and the result says what is missing.
      expect(Option.getOrThrow(s.quarantineEvent)).toMatchObject({ type: "quarantined", name: "probe" })
      expect(s.listedWhileBroken).toMatchObject({
        state: "quarantined",
        errors: 3,
        lastError: "compute threw Error: broken on purpose",
      })
      expect(s.httpWhileBroken.probe.state).toBe("quarantined")
      expect(s.whileBroken).toMatchObject({ score: 40, partial: true, missing: ["probe"] })
      // Fixed: a new version gets a fresh breaker and scores again: (.10·40 + .30·60) / .40 = 55.
      expect(s.listedAfterFix).toMatchObject({
        state: "active",
        version: versionOf(indicator("probe", "orderflow", "return { score: 60 }")),
      })
      expect(s.httpAfterFix.probe.state).toBe("active")
      expect(s.afterFix.score).toBeCloseTo(55, 10)
      // A bad edit is reported and the previous version keeps running.
      expect(s.badEdit.event.error).toContain('field "component" must be one of')
      expect(s.badEdit.event.error).toContain(`(keeping version ${s.listedAfterFix.version})`)
      expect(s.listedAfterBadEdit).toHaveLength(1)
      expect(s.listedAfterBadEdit[0]).toMatchObject({ state: "active", version: s.listedAfterFix.version })
      expect(s.listedAfterBadEdit[0].lastError).toContain('field "component"')
      expect(s.afterBadEdit.score).toBeCloseTo(55, 10)
      expect(s.afterSyntaxError.score).toBeCloseTo(55, 10)
      expect(s.syntaxError.event.error).toBe(
        `${probe}: import failed: Expected identifier but found "," at line 1:32; Expected "}" but found end of file ` +
          `at line 1:34 (keeping version ${s.listedAfterFix.version})`,
      )
      expect(s.listedAfterSyntaxError).toMatchObject({ state: "active", version: s.listedAfterFix.version })
      // Deleted: gone from the list and from the score.
      expect(s.listedAfterDelete).toEqual([])
      expect(s.httpAfterDelete).toEqual({ status: 200, probe: undefined })
      expect(s.exchange).toBe("late-exchange")
      // Every change took effect within 1 s.
      for (const step of ["added", "broken", "fixed", "badEdit", "syntaxError", "deleted"])
        expect(s[step].ms).toBeLessThan(1000)
      expect(s.exchangeMs).toBeLessThan(1000)
    },
  )
})
