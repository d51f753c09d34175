/**
 * What writing a recording file costs, for bench:record: `bun run record`'s packed writer
 * (recording-writer.ts) taking `events` in batches of `batch`, as the bus hands them over, and the
 * JSON-lines file earlier builds wrote at the end (a header line, an event per line): CPU per event
 * (medians of 7), its share of a core at `perSecond`, and bytes per event, as bench:record's V line.
 */
import { closeSync, openSync, writeSync } from "node:fs"
import { join } from "node:path"
import type { VirtuosoConfig } from "../../../core/config/index.ts"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { RECORDING_FORMAT } from "../../../core/replay/recording-file.ts"
import { RecordingWriter } from "../../../core/replay/recording-writer.ts"

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const cpuSince = (cpu0: NodeJS.CpuUsage) => {
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / 1e6
}

export const recordFileLine = (
  dir: string,
  events: ReadonlyArray<VirtuosoEvent & { readonly seq?: number }>,
  batch: number,
  timeframes: VirtuosoConfig["timeframes"],
  symbols: ReadonlyArray<string>,
  perSecond: number,
): string => {
  const packed: Array<number> = []
  const lines: Array<number> = []
  let packedBytes = 0
  let linesBytes = 0
  for (let run = 0; run < 7; run++) {
    const copy: Array<VirtuosoEvent> = events.map(({ seq: _seq, ...e }) => e as VirtuosoEvent)
    let cpu0 = process.cpuUsage()
    const writer = new RecordingWriter(join(dir, "v.vrec"), {
      format: RECORDING_FORMAT,
      exchange: "sim",
      symbols,
      timeframes,
    })
    for (let i = 0; i < copy.length; i += batch) writer.append(copy.slice(i, i + batch))
    writer.close()
    packed.push(cpuSince(cpu0))
    packedBytes = writer.bytes
    cpu0 = process.cpuUsage()
    const fd = openSync(join(dir, "v1.vrec"), "w")
    linesBytes = writeSync(
      fd,
      `${JSON.stringify({ format: RECORDING_FORMAT, version: 1, exchange: "sim", timeframes })}\n`,
    )
    for (const e of copy) linesBytes += writeSync(fd, `${JSON.stringify(e)}\n`)
    closeSync(fd)
    lines.push(cpuSince(cpu0))
  }
  const us = (times: ReadonlyArray<number>) => (median(times) / events.length) * 1e6
  return (
    `V record's file: ${us(packed).toFixed(1)} µs/event = ${((us(packed) * perSecond) / 1e4).toFixed(2)}% of one` +
    ` core, ${(packedBytes / events.length).toFixed(0)} B/event (median of 7); as JSON lines at the end` +
    ` ${us(lines).toFixed(1)} µs/event, ${(linesBytes / events.length).toFixed(0)} B/event`
  )
}
