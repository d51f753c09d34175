/**
 * @module Process metrics, sampled at scrape time (memory, heap, CPU, uptime) plus an
 * event-loop lag probe that a background fiber refreshes.
 */
import { Effect } from "effect"
import type { Sample } from "./exposition.ts"

/** Samples for the process; `lagSeconds` is the latest event-loop lag measurement. */
export const processSamples = (lagSeconds: number | undefined): ReadonlyArray<Sample> => {
  const memory = process.memoryUsage()
  const cpu = process.cpuUsage()
  const samples: Array<Sample> = [
    {
      name: "virtuoso_process_resident_memory_bytes",
      type: "gauge",
      help: "Resident set size of the process.",
      value: memory.rss,
    },
    {
      name: "virtuoso_process_heap_used_bytes",
      type: "gauge",
      help: "JavaScript heap in use.",
      value: memory.heapUsed,
    },
    {
      name: "virtuoso_process_heap_total_bytes",
      type: "gauge",
      help: "JavaScript heap reserved.",
      value: memory.heapTotal,
    },
    {
      name: "virtuoso_process_cpu_seconds_total",
      type: "counter",
      help: "User plus system CPU time consumed by the process.",
      value: (cpu.user + cpu.system) / 1e6,
    },
    {
      name: "virtuoso_process_uptime_seconds",
      type: "gauge",
      help: "Seconds since the process started.",
      value: process.uptime(),
    },
  ]
  if (lagSeconds !== undefined) {
    samples.push({
      name: "virtuoso_process_event_loop_lag_seconds",
      type: "gauge",
      help: "Delay between scheduling a macrotask and running it, last probe.",
      value: lagSeconds,
    })
  }
  return samples
}

/**
 * One event-loop lag probe: how late a `setTimeout(0)` fires. Real time on purpose — a
 * virtual `Clock` cannot see a blocked loop — so this reads `performance.now()`.
 */
export const probeEventLoopLag: Effect.Effect<number> = Effect.callback<number>((resume) => {
  const start = performance.now()
  const timer = setTimeout(() => resume(Effect.succeed(Math.max(0, performance.now() - start) / 1000)), 0)
  return Effect.sync(() => clearTimeout(timer))
})
