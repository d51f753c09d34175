/**
 * @module One plugin worker as the host sees it: spawn, request/reply, the shared control block
 * the watchdog reads, and termination. A worker that exits or is terminated rejects what it owed.
 */
import type { ValueMaker } from "./value-maker.ts"
import { CONTROL_EXIT, CONTROL_SLOTS, type HostMessage, type WorkerMessage } from "./protocol.ts"

const ENTRY = new URL("./plugin-worker.ts", import.meta.url).href

const exitMessage = (code: number) => `the plugin worker exited (code ${code}; process.exit or a crash)`

export class WorkerGone extends Error {
  constructor(
    readonly code: number,
    readonly why: string,
  ) {
    super(why)
  }
}

export class WorkerHandle {
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4))
  /** The worker's thread id (Linux), for its page-fault count; null when unknown. */
  tid: number | null = null
  // What this worker holds of the host's resident data, so each batch sends only what is new to it.
  /** Candle arena generation it has mapped (0: none yet). */
  arenaGeneration = 0
  /** Series ids below this are known to it. */
  seriesKnown = 0
  /** Book / tape / market entry id → version it holds. */
  readonly sharedHeld = new Map<number, number>()
  /** Its result block (shared memory it allocated), and by value shape id what builds a call's values. */
  results: Float64Array<ArrayBufferLike> = new Float64Array(0)
  readonly makers: Array<ValueMaker> = []
  private readonly worker: Worker
  private waiting: {
    accept: (m: WorkerMessage) => boolean
    resolve: (m: WorkerMessage) => void
    reject: (e: Error) => void
  } | null = null
  private gone: WorkerGone | null = null
  readonly ready: Promise<void>

  constructor(
    heapLimitMb: number,
    private readonly onUncaught: (error: string, file: string | null) => void,
  ) {
    this.worker = new Worker(ENTRY)
    this.worker.addEventListener("message", (e: MessageEvent<WorkerMessage>) => this.receive(e.data))
    this.worker.addEventListener("error", (e) => this.onUncaught(`worker error: ${(e as ErrorEvent).message}`, null))
    this.worker.addEventListener("close", (e) => {
      if (this.gone !== null) return // terminated by the host: already settled
      const code = (e as CloseEvent & { code?: number }).code ?? 0
      this.settle(new WorkerGone(code, exitMessage(code)))
    })
    this.ready = this.request(
      { type: "init", control: this.control.buffer as SharedArrayBuffer, heapLimitMb },
      (m) => m.type === "ready",
    ).then((m) => {
      this.tid = (m as Extract<WorkerMessage, { type: "ready" }>).tid
    })
  }

  get alive(): boolean {
    return this.gone === null
  }

  private receive(m: WorkerMessage) {
    if (m.type === "uncaught") return this.onUncaught(m.error, m.file)
    const w = this.waiting
    if (w?.accept(m)) {
      this.waiting = null
      w.resolve(m)
    }
  }

  /** Sends `m` and resolves with the first reply `accept` takes; one request at a time. */
  request(m: HostMessage, accept: (m: WorkerMessage) => boolean): Promise<WorkerMessage> {
    if (this.gone !== null) return Promise.reject(this.gone)
    if (this.waiting !== null) return Promise.reject(new Error("plugin worker is busy"))
    return new Promise((resolve, reject) => {
      this.waiting = { accept, resolve, reject }
      this.worker.postMessage(m)
    })
  }

  private settle(gone: WorkerGone) {
    this.gone = gone
    const w = this.waiting
    this.waiting = null
    w?.reject(gone)
  }

  /**
   * Stops the worker; a pending request rejects with `reason` at once. The worker itself stops at
   * its next instruction, except inside one long native operation (filling a huge typed array),
   * which runs to its end first: nobody waits for that.
   */
  terminate(reason: string): void {
    if (this.gone !== null) return
    // A worker already on its way out through process.exit is reported as that exit.
    const exiting = Atomics.load(this.control, CONTROL_EXIT)
    this.settle(exiting === 0 ? new WorkerGone(0, reason) : new WorkerGone(exiting - 1, exitMessage(exiting - 1)))
    this.worker.terminate()
  }
}
