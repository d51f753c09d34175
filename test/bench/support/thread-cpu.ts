/**
 * CPU time of this process's threads by kind, for the benches that compare the plugin hosts:
 * the host's own thread, the plugin workers (Bun names their threads "Worker"), and the
 * runtime's helpers (JIT compilers, GC, allocator). Linux /proc, 10 ms ticks; elsewhere empty.
 */
import { readdirSync, readFileSync } from "node:fs"

export const THREAD_KINDS = ["host", "workers", "runtime"] as const

export const threadCpu = (): Map<string, number> => {
  const out = new Map<string, number>()
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8")
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      const kind = tid === String(process.pid) ? "host" : name === "Worker" ? "workers" : "runtime"
      out.set(kind, (out.get(kind) ?? 0) + (Number(f[11]) + Number(f[12])) * 10)
    }
  } catch {
    // not Linux: no per-thread split
  }
  return out
}

/** Adds the CPU ms per thread kind since `before` (a `threadCpu()` reading) into `into`, divided by `runs`. */
export const addThreadCpu = (into: Map<string, number>, before: Map<string, number>, runs: number): void => {
  for (const [k, ms] of threadCpu()) into.set(k, (into.get(k) ?? 0) + (ms - (before.get(k) ?? 0)) / runs)
}

export const threadLine = (threads: Map<string, number>): string =>
  THREAD_KINDS.map((k) => `${k} ${(threads.get(k) ?? 0).toFixed(0)}`).join(", ")
