/**
 * @module Importing plugin modules in a throw-away worker to learn what they declare, so the
 * host never runs an untrusted module's top-level code in its own thread. A module whose import
 * does not finish in time (a top-level await that never resolves, a loop) or that ends its
 * worker (`process.exit`) fails its load with that reason; the next module gets a fresh worker.
 */
import type { ParamValue } from "../sdk.ts"
import type { ModuleRef, ProbeResult, WorkerMessage } from "./protocol.ts"
import { WorkerGone, WorkerHandle } from "./worker-handle.ts"

export const probeModules = async (
  modules: ReadonlyArray<ModuleRef>,
  timeoutMs: number,
  heapLimitMb: number,
  params: Readonly<Record<string, Readonly<Record<string, ParamValue>> | undefined>>,
): Promise<ReadonlyArray<ProbeResult>> => {
  const results: Array<ProbeResult> = []
  let w: WorkerHandle | null = null
  try {
    for (const m of modules) {
      if (w === null || !w.alive) {
        w = new WorkerHandle(heapLimitMb, () => {})
        await w.ready
      }
      const current = w
      const timer = setTimeout(() => current.terminate(`import did not finish within ${timeoutMs} ms`), timeoutMs)
      try {
        const reply = (await current.request(
          { type: "probe", modules: [m], params },
          (r) => r.type === "probed",
        )) as Extract<WorkerMessage, { type: "probed" }>
        results.push(reply.results[0])
      } catch (e) {
        const why = e instanceof WorkerGone ? e.why : String(e)
        results.push({ ok: false, name: null, message: `${m.file}: import failed: ${why}` })
      } finally {
        clearTimeout(timer)
      }
    }
  } finally {
    w?.terminate("probe finished")
  }
  return results
}
