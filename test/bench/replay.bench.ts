/**
 * bench:replay — replay speed through the live layers (bus → Analysis → SignalEngine) and the
 * store's recording cost, in one run:
 *
 *   R. a recording of 20 symbols × `--hours` (default 3): per symbol the backfill history (1m ×
 *      1000, 5m × 300, 30m × 200, 4h × 200, the default config), then every second a 20-level
 *      book and a trade batch, every minute a closed 1m candle (and 5m/30m when they close),
 *      every five minutes derivatives data, as MarketData publishes them — stored by the
 *      recorder's store (hot SQLite), folded into block rows, and replayed as `bun run replay
 *      --from-store` does: the store read a page at a time, each block thinned as it is decoded,
 *      coalesced (`coalesce.ts`), fed in runs (`driveRecording`).
 *   R1. R without the layers: the store read, decoding and coalescing alone (R − R1 is the layers;
 *      a trade batch is only checked here: its trades are read from its bytes when Analysis
 *      appends them to its tape, in the layers).
 *   F. R's recording as a `.vrec` file, written by `record`'s writer (packed, format version 3) and
 *      replayed as `bun run replay --input` does: the file read a chunk at a time, its frames
 *      checksummed (the superseded books' frames passed over), each block thinned as the store's
 *      are, coalesced and fed in runs (`openRecording`, `driveRecording`).
 *   F1. the same recording as a JSON-lines `.vrec` (format version 1, what earlier builds wrote),
 *      replayed the same way: every line parsed and checked against the catalogue.
 *   M. the first hour of R held in memory and fed the same way (no store read).
 *   (The in-memory rows' events are made before each of their runs and dropped after it, so no
 *   row runs with another row's recording on the heap.)
 *   C. R's candles without books, trades or derivatives, in memory: the candle-only replay R must
 *      not be slower than (same layers, same length); C1 its first hour, M's length (the start —
 *      history, first scores — weighs as much in both).
 *   O. M fed one event at a time (`driveEvents`, as candle CSVs are), for the ratio.
 *   S. bytes on disk per event type for R's store (SQLite hot tier, after a checkpoint, and gzip
 *      day files of the warm tier), and the store's CPU time per event while recording.
 *
 * Reported as base (1m) candles per second of feeding (the layers' start-up — plugin loading,
 * WASM — excluded; the total is printed beside it) and per CPU second of the process while
 * feeding (from the first event read to the result: steadier on a shared machine, and what a
 * longer recording scales with); medians of `--runs` (default 7) after one warm-up, with a full
 * garbage collection before each run. R, F and F1 print a sha-256 of their confluence payloads and
 * signals (the last run's): the same recording must score the same whichever way it is read, and
 * two builds' figures compare only when these agree.
 * The events are synthetic (a seeded random walk) so the bench needs no network and no sim run.
 */
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { parseConfig } from "../../core/config/index.ts"
import type { VirtuosoEvent } from "../../core/events/index.ts"
import { loggingLayer } from "../../core/logging/index.ts"
import { driveEvents } from "../../core/replay/drive.ts"
import { makePictureCoalescer } from "../../core/replay/coalesce.ts"
import { driveRecording } from "../../core/replay/drive-recording.ts"
import { recordedEvents, replayStoreOptions } from "../../core/replay/recorded.ts"
import { openRecording, RECORDING_FORMAT } from "../../core/replay/recording-file.ts"
import { RecordingWriter } from "../../core/replay/recording-writer.ts"
import { EventStore } from "../../core/store/index.ts"
import { encodePayload } from "../../core/store/payload-codec.ts"
import { scoreSha } from "./support/score-sha.ts"
import { MINUTES, recording, recordingEvents, SYMBOLS } from "./support/synthetic-recording.ts"

const { values: flags } = parseArgs({ options: { hours: { type: "string" }, runs: { type: "string" } } })
const HOURS = Number(flags.hours ?? 3)
const RUNS = Number(flags.runs ?? 7)
const config = parseConfig({ log: { level: "warn" }, signals: { longAt: 60, shortAt: 40 } })
const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
type Run = { wall: number; feed: number; cpu: number; events: number; sha?: string }
type Fed = { feedMs: number; events: number; confluences?: unknown; signals?: unknown }

/** One replay of `events` (read when the drive pulls them): wall in all, wall and CPU feeding. */
const timeDrive = async (
  events: () => Iterable<VirtuosoEvent>,
  drive: (events: Iterable<VirtuosoEvent>) => Effect.Effect<Fed, unknown>,
): Promise<Run> => {
  // The garbage the run before left (R decodes every stored row) is collected now, not on this
  // run's CPU time: the process's CPU includes the collector's threads.
  Bun.gc(true)
  let cpu0: NodeJS.CpuUsage | undefined
  function* read() {
    cpu0 = process.cpuUsage()
    yield* events()
  }
  const t0 = performance.now()
  const result = await Effect.runPromise(drive(read()))
  const cpu = process.cpuUsage(cpu0)
  const wall = (performance.now() - t0) / 1000
  const sha = scoreSha(result)
  const run = { wall, feed: result.feedMs / 1000, cpu: (cpu.user + cpu.system) / 1e6, events: result.events }
  return sha === undefined ? run : { ...run, sha }
}
// At the config's log level (warn), as the replay CLI logs: no start-up line per run.
const logging = loggingLayer(config.log)
const inRuns = (events: Iterable<VirtuosoEvent>) => driveRecording(config, events).pipe(Effect.provide(logging))
// Each score is handed over as it is published; the bench keeps none.
const oneAtATime = (events: Iterable<VirtuosoEvent>) =>
  driveEvents(config, events, () => {}).pipe(Effect.provide(logging))
/** What a replay does before the layers: read, decode and coalesce (each kept event's payload read). */
const readAlone = (events: Iterable<VirtuosoEvent>) =>
  Effect.sync(() => {
    const started = performance.now()
    let read = 0
    let kept = 0
    // As driveRecording reads a recording: each event pushed through the coalescer.
    const coalescer = makePictureCoalescer()
    const ready: Array<VirtuosoEvent> = []
    const take = () => {
      for (const event of ready) if (event.payload !== undefined) kept++
      ready.length = 0
    }
    for (const event of events) {
      read++
      coalescer.push(event, ready)
      take()
    }
    coalescer.end(ready)
    take()
    return { feedMs: performance.now() - started, events: read, kept }
  })

/** R's recording in the recorder's batches of 1000, as the store and `record` take them from the bus. */
function* recorderBatches(): Generator<Array<VirtuosoEvent>> {
  let batch: Array<VirtuosoEvent> = []
  for (const e of recordingEvents(true, HOURS * 60)) {
    batch.push(e)
    if (batch.length < 1000) continue
    yield batch
    batch = []
  }
  yield batch
}

const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-replay-"))
const db = join(dir, "v.db")
const withStore = <A, E>(f: (store: EventStore["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, f)).pipe(Effect.provide(EventStore.layer({ path: db, ...keepAll }))),
  )
// Opened as `replay --from-store` opens a store (read through a memory map, no checkpoint worker).
const withReplayStore = <A, E>(f: (store: EventStore["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, f)).pipe(Effect.provide(EventStore.layer(replayStoreOptions(db)))),
  )
try {
  // R's store, written as the recorder writes it (batches of 1000), timed for S.
  const sizes = new Map<string, { events: number; bytes: number; stored: number }>()
  let recorded = 0
  const storeCpu0 = process.cpuUsage()
  await withStore((store) =>
    Effect.gen(function* () {
      for (const batch of recorderBatches()) yield* store.append(batch)
    }),
  )
  const storeCpu = process.cpuUsage(storeCpu0)
  // What `replay --from-store` does first (and a live store's tiering job as the rows age): fold
  // the market rows into blocks. Once per store, so timed apart from the replays.
  const foldCpu0 = process.cpuUsage()
  const { folded } = await Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, (s) => s.compact)).pipe(
      Effect.provide(EventStore.layer({ path: db, ...keepAll, foldAfter: 0 })),
    ),
  )
  const foldCpu = process.cpuUsage(foldCpu0)
  // Making the events is not the store's cost: timed alone and taken off.
  const makeCpu0 = process.cpuUsage()
  for (const _ of recordingEvents(true, HOURS * 60));
  const makeCpu = process.cpuUsage(makeCpu0)
  for (const e of recordingEvents(true, HOURS * 60)) {
    const s = sizes.get(e.type) ?? { events: 0, bytes: 0, stored: 0 }
    s.events++
    s.bytes += JSON.stringify(e.payload).length
    s.stored += encodePayload(e).length
    sizes.set(e.type, s)
    recorded++
  }
  // F's file, as `record` writes it (the header's timeframes are the config's, as a replay reads them).
  const header = {
    format: RECORDING_FORMAT,
    exchange: "synthetic",
    symbols: SYMBOLS,
    timeframes: config.timeframes,
  } as const
  const vrec = join(dir, "r.vrec")
  const writeCpu0 = process.cpuUsage()
  const writer = new RecordingWriter(vrec, header)
  for (const batch of recorderBatches()) writer.append(batch)
  writer.close()
  const writeCpu = process.cpuUsage(writeCpu0)
  const vrecBytes = writer.bytes
  // F1's file: the JSON-lines form, a header line and an event per line.
  const lines = join(dir, "r1.vrec")
  const fd = openSync(lines, "w")
  writeSync(fd, `${JSON.stringify({ ...header, version: 1 })}\n`)
  for (const e of recordingEvents(true, HOURS * 60)) writeSync(fd, `${JSON.stringify(e)}\n`)
  closeSync(fd)
  const linesBytes = statSync(lines).size
  // The in-memory rows' events are made before each of their runs (outside its timing) and dropped
  // after it: held for the whole bench, M's hour (≈ 250 MB of books and trades) was live heap
  // every other row's collector had to mark, which a replay's own process never holds.
  const count = (events: Iterable<unknown>) => {
    let n = 0
    for (const _ of events) n++
    return n
  }
  const fedFrom = (events: () => Array<VirtuosoEvent>, drive: Parameters<typeof timeDrive>[1]) => () => {
    const held = events()
    return timeDrive(() => held, drive)
  }
  console.log(
    `recording R: ${recorded} events in the store (${SYMBOLS.length} symbols × ${HOURS} h, books and trades every` +
      ` second); F: the same as a .vrec file (${(vrecBytes / 1e6).toFixed(1)} MB, written in` +
      ` ${((writeCpu.user + writeCpu.system - makeCpu.user - makeCpu.system) / recorded).toFixed(1)} CPU µs/event;` +
      ` F1 as JSON lines ${(linesBytes / 1e6).toFixed(0)} MB); M: its first ${MINUTES} min` +
      ` in memory (${count(recordingEvents(true, MINUTES))} events); C: ${count(recordingEvents(false, HOURS * 60))}` +
      " events (the in-memory rows' events made before each run, dropped after it)",
  )
  const fromStore = () =>
    withReplayStore((store) => Effect.promise(() => timeDrive(() => recordedEvents(store, {}), inRuns)))
  const variants = {
    r: fromStore,
    f: () => timeDrive(() => openRecording(vrec, { coalesced: true }).events, inRuns),
    f1: () => timeDrive(() => openRecording(lines).events, inRuns),
    r1: () => withReplayStore((store) => Effect.promise(() => timeDrive(() => recordedEvents(store, {}), readAlone))),
    m: fedFrom(() => recording(true, MINUTES), inRuns),
    c: fedFrom(() => recording(false, HOURS * 60), inRuns),
    c1: fedFrom(() => recording(false, MINUTES), inRuns),
    o: fedFrom(() => recording(true, MINUTES), oneAtATime),
  }
  const runs: Record<keyof typeof variants, Array<Run>> = { r: [], f: [], f1: [], r1: [], m: [], c: [], c1: [], o: [] }
  for (const v of Object.values(variants)) await v()
  for (let i = 0; i < RUNS; i++)
    for (const [k, v] of Object.entries(variants)) runs[k as keyof typeof variants].push(await v())
  const report = (label: string, xs: ReadonlyArray<Run>, minutes: number) => {
    const candles = SYMBOLS.length * minutes
    const wall = median(xs.map((x) => x.wall))
    const feed = median(xs.map((x) => x.feed))
    const cpu = median(xs.map((x) => x.cpu))
    console.log(
      `${label} median of ${RUNS}: ${wall.toFixed(2)} s in all, ${feed.toFixed(2)} s feeding = ` +
        `${Math.round(candles / feed)} base candles/s (${Math.round(xs[0]!.events / feed)} events/s); ` +
        `CPU ${cpu.toFixed(2)} s = ${Math.round(candles / cpu)} base candles per CPU second feeding` +
        (xs.at(-1)!.sha === undefined ? "" : `; confluence+signals sha ${xs.at(-1)!.sha}`),
    )
    return cpu / candles
  }
  const r = report("R from the store, books+trades:", runs.r, HOURS * 60)
  report("F R as a .vrec, replay --input:", runs.f, HOURS * 60)
  report("F1 F as JSON lines (version 1):", runs.f1, HOURS * 60)
  report("R1 R's store read alone:       ", runs.r1, HOURS * 60)
  report("M in memory, books+trades:     ", runs.m, MINUTES)
  const c = report("C candle-only, in memory:      ", runs.c, HOURS * 60)
  report("C1 first hour of C, as M:      ", runs.c1, MINUTES)
  report("O M one event at a time:       ", runs.o, MINUTES)
  // Every run of R, F and F1 scored the same: one recording, three ways of reading it.
  const shas = [...new Set([...runs.r, ...runs.f, ...runs.f1].map((x) => x.sha))]
  console.log(
    `R, F and F1, every run: ${shas.length === 1 ? "the same scores" : "DIFFERENT scores"}, ${shas.join(", ")}`,
  )
  const load = loadavg().map((l) => l.toFixed(1))
  console.log(`R/C CPU per base candle: ${(r / c).toFixed(2)}; load ${load.join(" ")}`)

  // S: what recording R costs on disk and in CPU.
  // The pages in use (the WAL is checkpointed at close): folding frees the rows' pages, which
  // later inserts reuse, so the file's size says what it once held rather than what it holds.
  const file = new Database(db, { readonly: true })
  const pages = (pragma: string) => (file.query(`PRAGMA ${pragma}`).get() as Record<string, number>)[pragma]!
  const hot = (pages("page_count") - pages("freelist_count")) * pages("page_size")
  file.close()
  // Warm tier: everything moved to day files (hot window 0 via a compaction far in the future).
  await Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, (s) => s.compact)).pipe(
      Effect.provide(EventStore.layer({ path: db, ...keepAll, hot: "1 hours" })),
    ),
  )
  const warmDir = join(dir, "warm")
  const warm = readdirSync(warmDir).reduce((n, f) => n + statSync(join(warmDir, f)).size, 0)
  const perEvent = hot / recorded
  console.log(
    `S store: ${recorded} events → SQLite ${(hot / 1e6).toFixed(1)} MB in use (${perEvent.toFixed(0)} B/event),` +
      ` warm gzip ${(warm / 1e6).toFixed(1)} MB (${(warm / recorded).toFixed(0)} B/event);` +
      ` store CPU ${((storeCpu.user + storeCpu.system - makeCpu.user - makeCpu.system) / recorded).toFixed(1)}` +
      ` µs/event; folding ${folded} rows into blocks ` +
      `${((foldCpu.user + foldCpu.system) / Math.max(1, folded)).toFixed(1)} µs/row, once`,
  )
  for (const [type, s] of [...sizes].sort()) {
    console.log(
      `  ${type.padEnd(22)} ${String(s.events).padStart(7)} events, payload JSON ` +
        `${(s.bytes / s.events).toFixed(0)} B/event,` +
        ` as stored ${(s.stored / s.events).toFixed(0)} B/event`,
    )
  }
  const perDay = (per: number) => (per * (recorded / (HOURS * 60)) * 60 * 24) / 1e9
  console.log(
    `  20 symbols × 24 h at this rate: hot ${perDay(perEvent).toFixed(2)} GB, warm ` +
      `${perDay(warm / recorded).toFixed(2)} GB`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
