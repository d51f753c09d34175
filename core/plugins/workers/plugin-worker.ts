/**
 * @module The plugin worker: imports indicator plugins and runs batches of their calls, away from
 * the host's thread so the host can stop it (a call that never returns, an allocation storm,
 * `process.exit`) without stopping the engine.
 *
 * Inputs are read-only by contract, and checked: the worker runs plugins on its own copy of the
 * batch's candle arena, and after the batch compares it with the host's (one native compare). If a
 * plugin wrote into its candles, the batch runs again comparing after each plugin; the writer's
 * calls fail, its writes are undone before the next plugin runs, and the others' results come
 * from untouched inputs. Books, tapes and market data are frozen; globals are checked per plugin.
 */
import { memoryUsage } from "bun:jsc"
import { problemWith, errorText } from "../result-check.ts"
import type { InputValues } from "../sdk.ts"
import { freezeIntrinsics, restoreGlobals, snapshotGlobals, type GlobalSnapshot } from "./harden.ts"
import {
  CALL_FAILED,
  CALL_OK,
  CONTROL_CALL,
  CONTROL_SEQ,
  CONTROL_SLOTS,
  type ContextRef,
  type HostMessage,
  type WorkerMessage,
} from "./protocol.ts"
import { contextFor, contextsOf, deepFreeze, type Base } from "./worker-context.ts"
import { load, probe, type Loaded } from "./worker-modules.ts"

declare const self: { onmessage: ((e: MessageEvent<HostMessage>) => void) | null; postMessage(m: WorkerMessage): void }

const post = (m: WorkerMessage) => self.postMessage(m)

let control: Int32Array<ArrayBufferLike> = new Int32Array(CONTROL_SLOTS)
let heapLimitBytes = 1024 * 1024 * 1024
let seq = 0
let loaded: Array<Loaded | null> = []
let globals: GlobalSnapshot = new Map()
let privateArena = new Float64Array(0)

freezeIntrinsics()

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

interface Out {
  status: Uint8Array
  scores: Float64Array
  micros: Float64Array
  values: Array<Readonly<Record<string, number>> | undefined>
  notes: Array<string | undefined>
}

const outOf = (n: number): Out => ({
  status: new Uint8Array(n),
  scores: new Float64Array(n),
  micros: new Float64Array(n),
  values: new Array(n),
  notes: new Array(n),
})

const fail = (out: Out, i: number, note: string) => {
  out.status[i] = CALL_FAILED
  out.scores[i] = Number.NaN
  out.values[i] = undefined
  out.notes[i] = note
}

const NO_INPUTS: InputValues = Object.freeze({ inputs: Object.freeze({}), history: Object.freeze({}) })

const callOne = (out: Out, i: number, entry: Loaded, base: Base, values: InputValues) => {
  Atomics.store(control, CONTROL_CALL, i)
  Atomics.store(control, CONTROL_SEQ, ++seq)
  const started = performance.now()
  let result: unknown
  try {
    result = entry.plugin.compute(contextFor(base, entry.params, values))
  } catch (e) {
    out.micros[i] = (performance.now() - started) * 1000
    fail(out, i, `compute threw ${errorText(e)}`)
    return
  }
  out.micros[i] = (performance.now() - started) * 1000
  const problem = problemWith(result)
  if (problem !== null) return fail(out, i, problem)
  const r = result as { score: number | null; values?: Record<string, number>; reason?: unknown }
  out.status[i] = CALL_OK
  out.scores[i] = r.score === null ? Number.NaN : r.score
  // Copied: a plugin may return an object it keeps and changes later.
  out.values[i] = r.values === undefined ? undefined : { ...r.values }
  out.notes[i] = typeof r.reason === "string" ? r.reason : undefined
}

/**
 * Runs the calls plugin group by plugin group. With `verify`, each group's candles are compared
 * with the host's arena afterwards; a group that wrote fails and its writes are undone.
 */
const runCalls = (
  calls: Int32Array,
  inputs: ReadonlyArray<InputValues | undefined>,
  bases: ReadonlyArray<Base>,
  refs: ReadonlyArray<ContextRef>,
  master: Float64Array,
  verify: boolean,
): { out: Out; replace: string | null } => {
  const n = calls.length / 2
  const out = outOf(n)
  let replace: string | null = null
  // Reading the allocator's total costs ~80 µs, so it is read after slow plugin groups only:
  // touching a lot of memory takes time (filling 1 GB takes ~100 ms), a quick call cannot.
  let memory = memoryUsage().current
  let i = 0
  while (i < n) {
    const pluginIndex = calls[2 * i]
    const entry = loaded[pluginIndex]
    const from = i
    const started = performance.now()
    while (i < n && calls[2 * i] === pluginIndex) {
      if (entry === null) fail(out, i, "plugin did not load in this worker")
      else callOne(out, i, entry, bases[calls[2 * i + 1]], deepFreeze(inputs[i] ?? NO_INPUTS))
      i++
    }
    Atomics.store(control, CONTROL_SEQ, 0)
    const changed = restoreGlobals(globals)
    if (changed.length > 0) {
      for (let j = from; j < i; j++)
        fail(out, j, `changed the global ${changed.slice(0, 3).join(", ")}; plugins must not touch globals`)
    }
    if (verify) {
      let wrote = false
      for (let j = from; j < i; j++) {
        const r = refs[calls[2 * j + 1]]
        const mine = privateArena.subarray(r.offset, r.offset + 6 * r.length)
        const theirs = master.subarray(r.offset, r.offset + 6 * r.length)
        if (!bytes(mine).equals(bytes(theirs))) {
          wrote = true
          mine.set(theirs)
        }
      }
      if (wrote) for (let j = from; j < i; j++) fail(out, j, "wrote into ctx.candles; a plugin's inputs are read-only")
    }
    if (performance.now() - started < 1) continue
    const before = memory
    memory = memoryUsage().current
    const grew = memory - before
    if (grew > heapLimitBytes) {
      const mb = Math.round(grew / 1048576)
      for (let j = from; j < i; j++)
        fail(out, j, `allocated ${mb} MB, over the worker's ${Math.round(heapLimitBytes / 1048576)} MB limit`)
      replace = `plugin ${entry?.ref.file ?? pluginIndex} allocated ${mb} MB`
      break
    }
  }
  return { out, replace }
}

const run = (m: Extract<HostMessage, { type: "run" }>) => {
  const master = new Float64Array(m.arena, 0, m.used)
  if (privateArena.length < m.used) privateArena = new Float64Array(Math.max(m.used, privateArena.length * 2))
  const mine = privateArena.subarray(0, m.used)
  mine.set(master)
  const bases = contextsOf(m.contexts, m.shared, privateArena)
  let { out, replace } = runCalls(m.calls, m.inputs, bases, m.contexts, master, false)
  if (replace === null && !bytes(mine).equals(bytes(master))) {
    mine.set(master)
    ;({ out, replace } = runCalls(m.calls, m.inputs, bases, m.contexts, master, true))
  }
  self.postMessage({
    type: "done",
    batch: m.batch,
    status: out.status,
    scores: out.scores,
    micros: out.micros,
    values: out.values,
    notes: out.notes,
    ...(replace === null ? {} : { replace }),
  } as WorkerMessage)
}

/** Names the plugin module in an error's stack, so the host can blame the right plugin. */
const fileIn = (e: unknown): string | null => {
  const stack = e instanceof Error ? String(e.stack) : ""
  for (const entry of loaded) if (entry !== null && stack.includes(entry.ref.path)) return entry.ref.file
  return null
}

process.on("uncaughtException", (e) => post({ type: "uncaught", error: errorText(e), file: fileIn(e) }))
process.on("unhandledRejection", (e) =>
  post({ type: "uncaught", error: `unhandled rejection: ${errorText(e)}`, file: fileIn(e) }),
)

self.onmessage = (e: MessageEvent<HostMessage>) => {
  const m = e.data
  switch (m.type) {
    case "init":
      control = new Int32Array(m.control)
      heapLimitBytes = m.heapLimitMb * 1048576
      post({ type: "ready" })
      return
    case "probe":
      void probe(m.modules, m.params).then((results) => post({ type: "probed", results }))
      return
    case "load":
      void load(m.plugins).then((r) => {
        loaded = r.loaded
        globals = snapshotGlobals()
        post({ type: "loaded", errors: r.errors })
      })
      return
    case "run":
      try {
        run(m)
      } catch (e) {
        // A fault of the worker's own (not inside a call): every call of the batch fails with it,
        // rather than the host waiting for an answer that would never come.
        const n = m.calls.length / 2
        post({
          type: "done",
          batch: m.batch,
          status: new Uint8Array(n).fill(CALL_FAILED),
          scores: new Float64Array(n).fill(Number.NaN),
          micros: new Float64Array(n),
          values: new Array(n),
          notes: new Array(n).fill(`plugin worker failed: ${errorText(e)}`),
        })
      }
      return
  }
}
