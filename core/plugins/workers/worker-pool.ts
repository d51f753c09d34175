/**
 * @module The plugin worker pool: N workers that each hold every worker-isolated indicator and
 * run the share of a batch given to their slot, and a watchdog that cuts off a call running past
 * its limit by terminating its worker and starting a fresh one.
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
import { CALL_FAILED, CALL_INTS, type HostMessage, type PluginRef, type WorkerMessage } from "./protocol.ts"
import { blockResult, CALL_CUT_OFF, CALL_SKIPPED, GatheredResult, type ShareResult } from "./share-result.ts"
import { makeWatchdog } from "./watchdog.ts"
import { WorkerGone, WorkerHandle } from "./worker-handle.ts"

export interface PoolOptions {
  readonly size: number
  readonly budgetMs: number
  readonly heapLimitMb: number
  /** Reported for an error thrown outside any call, by plugin file (null when unattributed). */
  readonly onUncaught: (error: string, file: string | null) => void
}

/** What the batch's run messages carry for one worker besides the calls: what is new to it. */
export type WorkerSync = Pick<Extract<HostMessage, { type: "run" }>, "arena" | "series" | "shared">

export interface BatchInput {
  /** CONTEXT_INTS per context. */
  readonly contexts: Int32Array
  /** CALL_INTS per call: plugin index into the pool's plugin list, context index, inputs offset. */
  readonly calls: Int32Array
  readonly inputs: SharedArrayBuffer
  readonly extra: Extract<HostMessage, { type: "run" }>["extra"]
  /** What `w` needs besides `calls`, its share (it is assumed to hold it afterwards). */
  readonly sync: (w: WorkerHandle, calls: Int32Array) => WorkerSync
  /**
   * Told at once when call `c` is cut off (before the rest of its share runs again), so the
   * plugin is quarantined without waiting for the batch; its result then says CALL_CUT_OFF.
   */
  readonly onCutOff: (c: number, note: string, micros: number) => void
}

const MAX_UNBLAMED_DEATHS = 3

export const makeWorkerPool = (options: PoolOptions) => {
  let plugins: ReadonlyArray<PluginRef> = []
  let workers: Array<WorkerHandle> = []
  let spare: Promise<WorkerHandle | null> | null = null
  let closed = false
  const watchdog = makeWatchdog(options.budgetMs, options.heapLimitMb)

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

  /**
   * Runs one worker's share, surviving its deaths. A share run whole is read from its worker's
   * block; once a worker died, what each attempt returns is gathered at the share's positions.
   */
  const runShare = async (slot: number, input: BatchInput, n: number, batch: number): Promise<ShareResult> => {
    /** The calls still to run, by share position; null while that is the whole share as built. */
    let pending: Array<number> | null = null
    let into: GatheredResult | null = null
    let unblamed = 0
    for (;;) {
      let w = workers[slot]
      if (w === undefined || !w.alive) w = workers[slot] = await replacement()
      // The whole share as built (a shared block: posted as a handle), or what is left of it.
      let calls = input.calls
      if (pending !== null) {
        calls = new Int32Array(pending.length * CALL_INTS)
        for (let i = 0; i < pending.length; i++) {
          const c = pending[i] * CALL_INTS
          calls[CALL_INTS * i] = input.calls[c]
          calls[CALL_INTS * i + 1] = input.calls[c + 1]
          calls[CALL_INTS * i + 2] = input.calls[c + 2]
        }
      }
      const message: HostMessage = {
        type: "run",
        batch,
        ...input.sync(w, calls),
        contexts: input.contexts,
        calls,
        inputs: input.inputs,
        extra: input.extra,
      }
      // Posted before the watch starts: its reads of the process's memory and the worker's page
      // faults are system calls, and each one before the post delays the worker's start (on 2
      // cores a system call is where the host loses its core to the workers already running).
      const replied = w.request(message, (m) => m.type === "done" && m.batch === batch)
      const stop = watchdog.watch(w)
      try {
        const reply = (await replied) as Extract<WorkerMessage, { type: "done" }>
        if (reply.replace !== undefined) w.terminate(reply.replace)
        if (into === null || pending === null) return blockResult(w, reply)
        into.read(w, reply, pending)
        return into
      } catch (e) {
        if (!(e instanceof WorkerGone)) throw e
        into ??= new GatheredResult(n)
        pending ??= Array.from({ length: n }, (_, c) => c)
        const at = stop.blame()
        if (at === null) {
          if (++unblamed < MAX_UNBLAMED_DEATHS) continue
          for (const c of pending) into.fail(c, CALL_FAILED, `${e.why}; gave up after ${unblamed} tries`)
          return into
        }
        const culprit = pending[at]
        const plugin = input.calls[CALL_INTS * culprit]
        into.fail(culprit, CALL_CUT_OFF, e.code !== 0 ? e.why : (stop.cutOff ?? e.why), stop.elapsedMs())
        input.onCutOff(culprit, into.notes[culprit]!, into.times[culprit])
        const rest: Array<number> = []
        for (const c of pending) {
          if (c === culprit) continue
          if (input.calls[CALL_INTS * c] === plugin)
            into.fail(c, CALL_SKIPPED, "skipped: an earlier call of this plugin was cut off")
          else rest.push(c)
        }
        pending = rest
        if (pending.length === 0) return into
      } finally {
        stop.end()
      }
    }
  }

  let batches = 0
  /**
   * Runs one share on the worker in `slot` (posted before this returns, when that worker is up),
   * surviving its deaths.
   */
  const run = async (slot: number, input: BatchInput): Promise<ShareResult> => {
    const n = input.calls.length / CALL_INTS
    if (n > 0 && !closed) return runShare(slot, input, n, ++batches)
    const into = new GatheredResult(n)
    for (let c = 0; c < n; c++) into.fail(c, CALL_FAILED, "the plugin host is shutting down")
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
    /** How many workers the batches are split across. */
    slots: Math.max(1, options.size),
    get size() {
      return workers.length
    },
  }
}

export type WorkerPool = ReturnType<typeof makeWorkerPool>
