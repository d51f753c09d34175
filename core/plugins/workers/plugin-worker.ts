/**
 * @module The plugin worker: imports indicator plugins and runs batches of their calls, away from
 * the host's thread so the host can stop it (a call that never returns, an allocation storm,
 * `process.exit`) without stopping the engine.
 *
 * One `run` message per batch carries every call of this worker's share; candles are read from
 * the worker's private copies of the windows in the host's arena, results written into shared
 * memory (`worker-results.ts`).
 *
 * Inputs are read-only by contract, and checked: plugins read the worker's copy of each window
 * (one buffer per series, never the host's), and after the batch the windows it handed out are
 * compared with the arena (one native compare per column). If a plugin wrote into its candles
 * the batch runs again comparing after each plugin; the writer's calls fail, its writes are
 * undone before the next plugin runs, and the others' results come from untouched inputs.
 * Books, tapes and market data are frozen; the globals are compared after the batch, and per
 * plugin when it runs again. Before each call the worker writes the call's position and a
 * sequence number into the control block, so the host's watchdog can tell which call is running.
 */
import { memoryUsage } from "bun:jsc"
import { readlinkSync } from "node:fs"
import { problemWith, errorText } from "../result-check.ts"
import type { InputValues } from "../sdk.ts"
import { freezeIntrinsics, restoreGlobals, snapshotGlobals, type GlobalSnapshot } from "./harden.ts"
import {
  CALL_INTS,
  CONTROL_CALL,
  CONTROL_EXIT,
  CONTROL_SEQ,
  CONTROL_SLOTS,
  type HostMessage,
  type WorkerMessage,
} from "./protocol.ts"
import { basesOf, contextFor, receiveShared, sharedIntact, type Base } from "./worker-context.ts"
import { syncArena, windowIntact, windowsIntact } from "./worker-windows.ts"
import { load, probe, type Loaded } from "./worker-modules.ts"
import { beginResults, failed, finish, inputsAt, succeeded, type Batch } from "./worker-results.ts"

declare const self: { onmessage: ((e: MessageEvent<HostMessage>) => void) | null; postMessage(m: WorkerMessage): void }

const post = (m: WorkerMessage) => self.postMessage(m)

let control: Int32Array<ArrayBufferLike> = new Int32Array(CONTROL_SLOTS)
let heapLimitBytes = 1024 * 1024 * 1024
/** How long calls must run to touch `heapLimitBytes` of new memory: faulting pages in runs well below 20 GB/s. */
let readEveryMs = 50
let seq = 0
let loaded: Array<Loaded | null> = []
let globals: GlobalSnapshot

freezeIntrinsics()
globals = snapshotGlobals()

/** This thread's id, from /proc/thread-self (Linux); null where there is none. */
const threadId = (): number | null => {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop())
    return Number.isInteger(tid) ? tid : null
  } catch {
    return null
  }
}

const NO_INPUTS: InputValues = Object.freeze({ inputs: Object.freeze({}), history: Object.freeze({}) })

/**
 * The worker's stopwatch, as the host's (`evaluate.ts`): one clock read per call, a call's time
 * running from the previous reading (so it also holds the few hundred nanoseconds of the
 * worker's own bookkeeping since). Restarted after each look at the worker's memory.
 */
let last = 0

const callOne = (b: Batch, i: number, plugin: number, entry: Loaded, base: Base, values: InputValues) => {
  Atomics.store(control, CONTROL_CALL, i)
  Atomics.store(control, CONTROL_SEQ, ++seq)
  let result: unknown
  try {
    result = entry.plugin.compute(contextFor(base, entry.params, values))
  } catch (e) {
    const ended = performance.now()
    failed(b, i, `compute threw ${errorText(e)}`, (ended - last) * 1000)
    last = ended
    return
  }
  const ended = performance.now()
  const micros = (ended - last) * 1000
  last = ended
  const problem = problemWith(result)
  if (problem !== null) return failed(b, i, problem, micros)
  const r = result as { score: number | null; values?: Record<string, unknown>; reason?: unknown }
  succeeded(b, i, plugin, r.score, micros, r.values, r.reason)
}

/** Whether a plugin's calls [from, to) left their candles as the host wrote them (undone if not). */
const intact = (calls: Int32Array, bases: ReadonlyArray<Base>, from: number, to: number): boolean => {
  let ok = true
  for (let j = from; j < to; j++) if (!windowIntact(bases[calls[CALL_INTS * j + 1]].copy)) ok = false
  return ok
}

/**
 * Runs the calls in the order sent (symbol by symbol), group by group: a group is one plugin's
 * consecutive calls (a symbol's timeframes). With `verify`, each group's candles, books, tapes
 * and the globals are checked afterwards; a group that changed them fails and its changes are
 * undone before the next group runs.
 */
const runCalls = (
  m: Extract<HostMessage, { type: "run" }>,
  bases: ReadonlyArray<Base>,
  verify: boolean,
): { b: Batch; replace: string | null } => {
  const calls = m.calls
  const n = calls.length / CALL_INTS
  const b = beginResults(n)
  const inputs = new Float64Array(m.inputs)
  let replace: string | null = null
  // Reading the allocator's total costs ~80 µs, so it is read only once the plugin groups since
  // the last reading have run long enough to touch the limit's worth of new memory: touching
  // memory takes time (faulting in 1 GB takes ~100 ms), quick calls cannot.
  let memory = memoryUsage().current
  let readAt = performance.now()
  last = readAt
  let i = 0
  while (i < n) {
    const pluginIndex = calls[CALL_INTS * i]
    const entry = loaded[pluginIndex]
    const from = i
    while (i < n && calls[CALL_INTS * i] === pluginIndex) {
      if (entry === null) failed(b, i, "plugin did not load in this worker")
      else {
        const at = calls[CALL_INTS * i + 2]
        const base = bases[calls[CALL_INTS * i + 1]]
        const values = at < 0 ? NO_INPUTS : inputsAt(pluginIndex, base.copy.id, entry.ref.inputs, inputs, at)
        callOne(b, i, pluginIndex, entry, base, values)
      }
      i++
    }
    Atomics.store(control, CONTROL_SEQ, 0)
    const changed = verify ? restoreGlobals(globals) : []
    if (changed.length > 0) {
      for (let j = from; j < i; j++)
        failed(b, j, `changed the global ${changed.slice(0, 3).join(", ")}; plugins must not touch globals`)
    }
    if (verify && !intact(calls, bases, from, i))
      for (let j = from; j < i; j++) failed(b, j, "wrote into ctx.candles; a plugin's inputs are read-only")
    if (verify && !sharedIntact())
      for (let j = from; j < i; j++)
        failed(b, j, "changed its book, tape or market data; a plugin's inputs are read-only")
    // `last` is the newest clock reading (the end of the group's last call).
    if (last - readAt < readEveryMs) continue
    const before = memory
    memory = memoryUsage().current
    readAt = last = performance.now()
    const grew = memory - before
    if (grew > heapLimitBytes) {
      const mb = Math.round(grew / 1048576)
      for (let j = from; j < i; j++)
        failed(b, j, `allocated ${mb} MB, over the worker's ${Math.round(heapLimitBytes / 1048576)} MB limit`)
      replace = `plugin ${entry?.ref.file ?? pluginIndex} allocated ${mb} MB`
      break
    }
  }
  return { b, replace }
}

const run = (m: Extract<HostMessage, { type: "run" }>) => {
  syncArena(m)
  receiveShared(m.shared)
  const bases = basesOf(m.contexts, m.calls, m.extra)
  let { b, replace } = runCalls(m, bases, false)
  // Every check runs (each puts back what was changed) before the batch runs again, verified.
  const globalsIntact = restoreGlobals(globals).length === 0
  const candlesIntact = windowsIntact()
  const intactAll = sharedIntact() && candlesIntact && globalsIntact
  if (replace === null && !intactAll) ({ b, replace } = runCalls(m, bases, true))
  post(finish(b, m.batch, replace))
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
    case "init": {
      control = new Int32Array(m.control)
      // A plugin's process.exit ends the worker after a moment; the host may get to it first
      // (its call looks stuck), so the code is left where the host looks.
      const exit = process.exit.bind(process)
      const shared = control
      process.exit = ((code?: number) => {
        Atomics.store(shared, CONTROL_EXIT, 1 + (Number(code) || 0))
        return exit(code)
      }) as typeof process.exit
      heapLimitBytes = m.heapLimitMb * 1048576
      readEveryMs = Math.max(1, heapLimitBytes / 2e7)
      post({ type: "ready", tid: threadId() })
      return
    }
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
        const b = beginResults(m.calls.length / CALL_INTS)
        for (let i = 0; i < b.n; i++) failed(b, i, `plugin worker failed: ${errorText(e)}`)
        post(finish(b, m.batch, null))
      }
      return
  }
}
