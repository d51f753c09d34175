/**
 * @module The plugin worker pool: N workers that each hold every worker-isolated indicator, a
 * batch split across them by plugin (largest measured cost first), and a watchdog that cuts off
 * a call running past its limit by terminating its worker and starting a fresh one.
 *
 * Starting a worker (runtime, modules, plugins) takes from 100 ms to over a second on a busy
 * machine, so one spare is kept loaded: a dead worker is replaced at once by the spare, and a
 * new spare starts in the background.
 *
 * A worker that dies mid-batch (cut off, `process.exit`, a crash) takes its results with it:
 * the call it was running is blamed, that plugin's other calls are skipped, and the rest of its
 * share runs again on the replacement. A death outside any call blames no one; after a few in
 * one batch the share is given up as failed.
 */
import {
  CALL_FAILED,
  CONTROL_CALL,
  CONTROL_SEQ,
  type ContextRef,
  type PluginRef,
  type SharedTexts,
  type WorkerMessage,
} from "./protocol.ts"
import type { InputValues } from "../sdk.ts"
import { WorkerGone, WorkerHandle } from "./worker-handle.ts"

/** Call outcomes beyond the worker's own (ok / failed). */
export const CALL_CUT_OFF = 2
export const CALL_SKIPPED = 3

export interface PoolOptions {
  readonly size: number
  readonly budgetMs: number
  readonly heapLimitMb: number
  /** Reported for an error thrown outside any call, by plugin file (null when unattributed). */
  readonly onUncaught: (error: string, file: string | null) => void
}

export interface BatchInput {
  readonly arena: SharedArrayBuffer
  readonly used: number
  readonly contexts: ReadonlyArray<ContextRef>
  /** The books, tapes and market data, as JSON texts per symbol. */
  readonly shared: ReadonlyArray<SharedTexts>
  /** Pairs (plugin index into the pool's plugin list, context index). */
  readonly calls: Int32Array
  /** Per call (same order as `calls`): declared input values, when the plugin has any. */
  readonly inputs: ReadonlyArray<InputValues | undefined>
  /** Estimated cost per plugin index (µs), to balance the workers. */
  readonly cost: (plugin: number) => number
  /**
   * Told at once when call `c` is cut off (before the rest of its share runs again), so the
   * plugin is quarantined without waiting for the batch; its result then says CALL_CUT_OFF.
   */
  readonly onCutOff: (c: number, note: string, micros: number) => void
}

export interface BatchResult {
  readonly status: Uint8Array
  readonly scores: Float64Array
  readonly micros: Float64Array
  readonly values: Array<Readonly<Record<string, number>> | undefined>
  readonly notes: Array<string | undefined>
}

const MAX_UNBLAMED_DEATHS = 3

export const makeWorkerPool = (options: PoolOptions) => {
  let plugins: ReadonlyArray<PluginRef> = []
  let workers: Array<WorkerHandle> = []
  let spare: Promise<WorkerHandle | null> | null = null
  let closed = false

  const spawn = async (): Promise<WorkerHandle> => {
    const w = new WorkerHandle(options.heapLimitMb, options.onUncaught)
    await w.ready
    await w.request({ type: "load", plugins }, (m) => m.type === "loaded")
    return w
  }

  const startSpare = () => {
    const wanted = plugins
    spare = spawn().then(
      (w) => {
        if (plugins === wanted && !closed) return w
        w.terminate("spare for an older plugin set")
        return null
      },
      () => null,
    )
  }

  /** A loaded worker for the current plugins: the spare if it is ready and alive, else a new one. */
  const replacement = async (): Promise<WorkerHandle> => {
    // Taken before awaiting: two workers dying in one batch must not both get the same spare.
    const taken = spare
    startSpare()
    const ready = taken === null ? null : await taken
    return ready?.alive ? ready : spawn()
  }

  /** Replaces every worker with fresh ones that load `next` (a reload runs in new workers). */
  const setPlugins = async (next: ReadonlyArray<PluginRef>): Promise<void> => {
    plugins = next
    const old = workers
    const oldSpare = spare
    workers = next.length === 0 ? [] : await Promise.all(Array.from({ length: options.size }, spawn))
    spare = null
    if (next.length > 0) startSpare()
    for (const w of old) w.terminate("replaced by a fresh worker (plugins reloaded)")
    void oldSpare?.then((w) => w?.terminate("replaced by a fresh worker (plugins reloaded)"))
  }

  /** Runs one worker's share, surviving its deaths; fills `into` at the share's call positions. */
  const runShare = async (slot: number, input: BatchInput, share: Array<number>, into: BatchResult, batch: number) => {
    let pending = share
    let unblamed = 0
    while (pending.length > 0) {
      let w = workers[slot]
      if (w === undefined || !w.alive) w = workers[slot] = await replacement()
      const calls = new Int32Array(pending.length * 2)
      const inputs = pending.map((c) => input.inputs[c])
      pending.forEach((c, i) => {
        calls[2 * i] = input.calls[2 * c]
        calls[2 * i + 1] = input.calls[2 * c + 1]
      })
      const stop = watch(w)
      try {
        const reply = (await w.request(
          {
            type: "run",
            batch,
            arena: input.arena,
            used: input.used,
            contexts: input.contexts,
            shared: input.shared,
            calls,
            inputs,
          },
          (m) => m.type === "done" && m.batch === batch,
        )) as Extract<WorkerMessage, { type: "done" }>
        pending.forEach((c, i) => {
          into.status[c] = reply.status[i]
          into.scores[c] = reply.scores[i]
          into.micros[c] = reply.micros[i]
          into.values[c] = reply.values[i]
          into.notes[c] = reply.notes[i]
        })
        if (reply.replace !== undefined) w.terminate(reply.replace)
        return
      } catch (e) {
        if (!(e instanceof WorkerGone)) throw e
        const at = stop.blame()
        if (at === null) {
          if (++unblamed < MAX_UNBLAMED_DEATHS) continue
          for (const c of pending) fail(into, c, CALL_FAILED, `${e.why}; gave up after ${unblamed} tries`)
          return
        }
        const culprit = pending[at]
        const plugin = input.calls[2 * culprit]
        fail(into, culprit, CALL_CUT_OFF, e.code !== 0 ? e.why : (stop.cutOff ?? e.why), stop.elapsedMs())
        input.onCutOff(culprit, into.notes[culprit]!, into.micros[culprit])
        const rest: Array<number> = []
        for (const c of pending) {
          if (c === culprit) continue
          if (input.calls[2 * c] === plugin)
            fail(into, c, CALL_SKIPPED, "skipped: an earlier call of this plugin was cut off")
          else rest.push(c)
        }
        pending = rest
      } finally {
        stop.end()
      }
    }
  }

  /**
   * Watches one worker while it runs a share: a call whose sequence number stays the same for
   * 1.5 × the budget (so it has run between 1.5 and 2 × the budget) gets its worker terminated.
   */
  const watch = (w: WorkerHandle) => {
    let seen = 0
    let seenAt = performance.now()
    let cutOff: string | null = null
    let lastCall: number | null = null
    const limitMs = 1.5 * options.budgetMs
    const timer = setInterval(
      () => {
        const seq = Atomics.load(w.control, CONTROL_SEQ)
        const now = performance.now()
        if (seq !== seen || seq === 0) {
          seen = seq
          seenAt = now
          return
        }
        if (now - seenAt >= limitMs) {
          lastCall = Atomics.load(w.control, CONTROL_CALL)
          cutOff = `cut off after ${(now - seenAt).toFixed(0)}+ ms, over the ${options.budgetMs} ms budget (worker replaced)`
          w.terminate(cutOff)
        }
      },
      Math.max(1, options.budgetMs / 2),
    )
    return {
      get cutOff() {
        return cutOff
      },
      elapsedMs: () => performance.now() - seenAt,
      /** Index (in the share sent) of the call that was running when the worker died, if any. */
      blame: (): number | null => {
        if (lastCall !== null) return lastCall
        return Atomics.load(w.control, CONTROL_SEQ) === 0 ? null : Atomics.load(w.control, CONTROL_CALL)
      },
      end: () => clearInterval(timer),
    }
  }

  let batches = 0
  const run = async (input: BatchInput): Promise<BatchResult> => {
    const n = input.calls.length / 2
    const into: BatchResult = {
      status: new Uint8Array(n),
      scores: new Float64Array(n),
      micros: new Float64Array(n),
      values: new Array(n),
      notes: new Array(n),
    }
    if (n === 0) return into
    if (closed) {
      for (let c = 0; c < n; c++) fail(into, c, CALL_FAILED, "the plugin host is shutting down")
      return into
    }
    // Group calls by plugin, then hand plugins to the least-loaded worker, most expensive first.
    const byPlugin = new Map<number, Array<number>>()
    for (let c = 0; c < n; c++) {
      const p = input.calls[2 * c]
      let list = byPlugin.get(p)
      if (list === undefined) byPlugin.set(p, (list = []))
      list.push(c)
    }
    const size = Math.max(1, Math.min(options.size, byPlugin.size))
    const shares: Array<Array<number>> = Array.from({ length: size }, () => [])
    const load = new Float64Array(size)
    const order = [...byPlugin.entries()]
      .map(([p, cs]) => ({ cs, cost: Math.max(1, input.cost(p)) * cs.length }))
      .sort((a, b) => b.cost - a.cost)
    for (const { cs, cost } of order) {
      let best = 0
      for (let i = 1; i < size; i++) if (load[i] < load[best]) best = i
      load[best] += cost
      for (const c of cs) shares[best].push(c)
    }
    const batch = ++batches
    await Promise.all(shares.map((share, slot) => runShare(slot, input, share, into, batch)))
    return into
  }

  const close = () => {
    closed = true
    for (const w of workers) w.terminate("the plugin host is shutting down")
    workers = []
    void spare?.then((w) => w?.terminate("the plugin host is shutting down"))
    spare = null
  }

  return {
    setPlugins,
    run,
    close,
    get size() {
      return workers.length
    },
  }
}

const fail = (into: BatchResult, c: number, status: number, note: string, ms = 0) => {
  into.status[c] = status
  into.scores[c] = Number.NaN
  into.micros[c] = ms * 1000
  into.notes[c] = note
}

export type WorkerPool = ReturnType<typeof makeWorkerPool>
