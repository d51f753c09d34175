/**
 * @module Watching plugin workers while they run a batch.
 *
 * Time: before each call a worker writes the call's position and a new sequence number into
 * its control block. A sequence number that stays the same for 1.5 × the budget means one call
 * has run between 1.5 and 2 × the budget: its worker is terminated and the call is blamed.
 *
 * Memory: Bun ignores a Worker's `resourceLimits`, and a worker busy in a plugin's call cannot
 * answer, so the host samples the process's resident memory while a batch runs. Growth beyond
 * `plugins.workerHeapMb` since the batch started terminates the worker that grew it and blames
 * its current call. Which worker: on Linux the one whose thread took the most page faults since
 * it started its share (touching new memory faults once per page; a spinning call takes none);
 * elsewhere the one whose current call has run longest.
 */
import { readFileSync } from "node:fs"
import { CONTROL_CALL, CONTROL_SEQ } from "./protocol.ts"
import type { WorkerHandle } from "./worker-handle.ts"

export interface Watch {
  /** Why the host stopped the worker, if it did. */
  readonly cutOff: string | null
  /** How long the call running now (or last) has run, ms. */
  readonly elapsedMs: () => number
  /** Position (in the share sent) of the call that was running when the worker died, if any. */
  readonly blame: () => number | null
  readonly end: () => void
}

/** Minor page faults of a thread so far (Linux /proc), or 0 when it cannot be read. */
const faultsOf = (tid: number | null): number => {
  if (tid === null) return 0
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8")
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]) || 0
  } catch {
    return 0
  }
}

interface Active {
  readonly w: WorkerHandle
  readonly since: () => number
  readonly faults: number
  readonly stop: (why: string) => void
}

export const makeWatchdog = (budgetMs: number, heapLimitMb: number) => {
  const active = new Set<Active>()
  let baseline = 0
  let memoryTimer: ReturnType<typeof setInterval> | undefined
  const limitBytes = heapLimitMb * 1048576

  const sampleMemory = () => {
    const rss = process.memoryUsage.rss()
    if (rss < baseline) baseline = rss
    const grew = rss - baseline
    if (grew <= limitBytes) return
    let worst: Active | undefined
    let most = -1
    for (const a of active) {
      if (Atomics.load(a.w.control, CONTROL_SEQ) === 0) continue
      const faults = faultsOf(a.w.tid) - a.faults
      if (faults > most || (faults === most && worst !== undefined && a.since() < worst.since())) {
        worst = a
        most = faults
      }
    }
    if (worst === undefined) return
    const mb = Math.round(grew / 1048576)
    worst.stop(
      `grew the process's memory by ${mb} MB during one call, over the ${heapLimitMb} MB worker limit` +
        " (worker replaced)",
    )
    // What the terminated worker held is given back over the next moments; count anew from here.
    baseline = rss
  }

  /** Watches one worker while it runs a share. */
  const watch = (w: WorkerHandle): Watch => {
    let seen = 0
    let seenAt = performance.now()
    let cutOff: string | null = null
    let lastCall: number | null = null
    const limitMs = 1.5 * budgetMs
    const stop = (why: string) => {
      if (cutOff !== null) return
      lastCall = Atomics.load(w.control, CONTROL_CALL)
      cutOff = why
      w.terminate(why)
    }
    const entry: Active = { w, since: () => seenAt, faults: faultsOf(w.tid), stop }
    const timer = setInterval(
      () => {
        const seq = Atomics.load(w.control, CONTROL_SEQ)
        const now = performance.now()
        if (seq !== seen || seq === 0) {
          seen = seq
          seenAt = now
          return
        }
        if (now - seenAt >= limitMs)
          stop(`cut off after ${(now - seenAt).toFixed(0)}+ ms, over the ${budgetMs} ms budget (worker replaced)`)
      },
      Math.max(1, budgetMs / 2),
    )
    if (active.size === 0) {
      baseline = process.memoryUsage.rss()
      memoryTimer = setInterval(sampleMemory, Math.max(2, Math.min(10, budgetMs / 2)))
    }
    active.add(entry)
    return {
      get cutOff() {
        return cutOff
      },
      elapsedMs: () => performance.now() - seenAt,
      blame: () => {
        if (lastCall !== null) return lastCall
        return Atomics.load(w.control, CONTROL_SEQ) === 0 ? null : Atomics.load(w.control, CONTROL_CALL)
      },
      end: () => {
        clearInterval(timer)
        active.delete(entry)
        if (active.size === 0) clearInterval(memoryTimer)
      },
    }
  }

  return { watch }
}
