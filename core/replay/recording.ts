/**
 * @module Replay of a recording: the recorded market events (an event store, hot and warm
 * tiers) through the live layers, reported per symbol — the confluence series (time, score,
 * components), the signals (time, side, score), and how often each component's direction
 * (above / below 50) matched the forward return, beside the confluence score's own hit rate and
 * the every-bar baseline, so a reader sees which components carry information.
 */
import { Effect } from "effect"
import { existsSync } from "node:fs"
import type { VirtuosoConfig } from "../config/index.ts"
import type { Candle, Timeframe } from "../market-schema/index.ts"
import { EventStore, EventStoreError, storedCount } from "../store/index.ts"
import { driveRecording, type RecordingDriveResult } from "./drive-recording.ts"
import { ReplayInputError } from "./errors.ts"
import {
  candleCollector,
  gapsOf,
  recordedEvents,
  replayStoreOptions,
  type Gap,
  type RecordedRange,
} from "./recorded.ts"
import { openRecording } from "./recording-file.ts"

export interface HitRate {
  /** Scores with data `horizon` candles ahead and a direction (not exactly 50). */
  readonly n: number
  readonly hits: number
  readonly rate: number | null
}

interface HorizonHits {
  readonly horizon: number
  readonly confluence: HitRate
  readonly components: Readonly<Record<string, HitRate>>
  /** Every base candle taken as a long entry. */
  readonly baseline: HitRate
}

export interface SymbolReplay {
  readonly symbol: string
  /** Base-timeframe candles recorded (history and live). */
  readonly candles: number
  readonly confluence: ReadonlyArray<{
    readonly time: number
    readonly score: number
    readonly components: Readonly<Record<string, number | null>>
  }>
  readonly signals: ReadonlyArray<{ readonly time: number; readonly side: "long" | "short"; readonly score: number }>
  readonly hitRates: ReadonlyArray<HorizonHits>
}

export interface RecordingReport {
  readonly source: string
  /** Bytes after the last complete event of a truncated recording file (0 when whole). */
  readonly skippedBytes: number
  readonly events: number
  readonly timeframe: Timeframe
  readonly gaps: ReadonlyArray<Gap>
  readonly symbols: ReadonlyArray<SymbolReplay>
}

const rate = (hits: number, n: number): HitRate => ({ n, hits, rate: n === 0 ? null : hits / n })

/** Hit rates of the score standing after each base candle, per horizon. */
const hitRates = (
  candles: ReadonlyArray<Candle>,
  points: ReadonlyArray<{ time: number; score: number; components: Readonly<Record<string, number | null>> }>,
  horizons: ReadonlyArray<number>,
): ReadonlyArray<HorizonHits> => {
  const standing = new Map<number, (typeof points)[number]>()
  for (const p of points) standing.set(p.time, p)
  return horizons.map((horizon) => {
    const tally = new Map<string, { n: number; hits: number }>()
    const count = (key: string, score: number | null, ret: number) => {
      if (score === null || score === 50 || ret === 0) return
      let t = tally.get(key)
      if (t === undefined) tally.set(key, (t = { n: 0, hits: 0 }))
      t.n++
      if (score > 50 === ret > 0) t.hits++
    }
    let baseN = 0
    let baseHits = 0
    for (let i = 0; i + horizon < candles.length; i++) {
      const ret = candles[i + horizon]!.close / candles[i]!.close - 1
      baseN++
      if (ret > 0) baseHits++
      const p = standing.get(candles[i]!.time)
      if (p === undefined) continue
      count("confluence", p.score, ret)
      for (const [component, score] of Object.entries(p.components)) count(component, score, ret)
    }
    const of = (key: string) => rate(tally.get(key)?.hits ?? 0, tally.get(key)?.n ?? 0)
    const components = Object.fromEntries(
      [...tally.keys()]
        .filter((k) => k !== "confluence")
        .sort()
        .map((k) => [k, of(k)]),
    )
    return { horizon, confluence: of("confluence"), components, baseline: rate(baseHits, baseN) }
  })
}

/** Per-symbol results of a drive over recorded events. */
const reportOf = (
  result: RecordingDriveResult,
  series: ReadonlyMap<string, ReadonlyArray<Candle>>,
  horizons: ReadonlyArray<number>,
): ReadonlyArray<SymbolReplay> => {
  const symbols = [...new Set([...series.keys(), ...result.confluences.map((c) => c.symbol)])].sort()
  return symbols.map((symbol) => {
    const confluence = result.confluences
      .filter((summary) => summary.symbol === symbol)
      .map((summary) => ({ time: summary.time, score: summary.score, components: summary.components }))
    const signals = result.signals
      .filter((s) => s.symbol === symbol)
      .map((s) => ({ time: s.time, side: s.type, score: s.score }))
    const candles = series.get(symbol) ?? []
    return { symbol, candles: candles.length, confluence, signals, hitRates: hitRates(candles, confluence, horizons) }
  })
}

export interface RecordingSettings extends RecordedRange {
  readonly db: string
  readonly horizons: ReadonlyArray<number>
}

/** Hot-tier rows per page while a store replays: what bounds its memory besides the layers. */
const STORE_PAGE = 2000

/**
 * Replays the market events recorded in an event store through the live layers, streaming: the
 * store is read a page at a time as the layers take the events (`recordedEvents`).
 */
export const replayRecording = (config: VirtuosoConfig, s: RecordingSettings) =>
  Effect.gen(function* () {
    if (s.db !== ":memory:" && !existsSync(s.db))
      return yield* new ReplayInputError({ message: `event store not found: ${s.db}` })
    const timeframe = Object.keys(config.timeframes)[0] as Timeframe
    const candles = candleCollector(timeframe)
    const result = yield* Effect.scoped(
      Effect.gen(function* () {
        const store = yield* EventStore
        // Market inputs folded into blocks first (all of them: `foldAfter` 0), so the read
        // below takes a block row per symbol per stretch. A store the engine recorded has only
        // its last minute or two left to fold (its fold job, fold-schedule.ts).
        yield* store.compact.pipe(Effect.catch((e) => Effect.logWarning(`${s.db}: folding failed`, e)))
        // Recorded events read: a thinned block's event counts what it stands for.
        let read = 0
        function* events() {
          for (const event of recordedEvents(store, s, { pageSize: STORE_PAGE })) {
            read += storedCount(event)
            candles.add(event)
            yield event
          }
        }
        const driven = yield* driveRecording(config, events())
        return { ...driven, events: read }
      }),
    ).pipe(
      Effect.provide(EventStore.layer(replayStoreOptions(s.db))),
      Effect.catchDefect((defect) =>
        defect instanceof EventStoreError
          ? Effect.fail(new ReplayInputError({ message: `${s.db}: ${defect.message}` }))
          : Effect.die(defect),
      ),
    )
    if (result.events === 0) {
      return yield* new ReplayInputError({
        message: `${s.db}: no recorded market events${s.symbol === undefined ? "" : ` of ${s.symbol}`} in range`,
      })
    }
    const series = candles.series()
    return {
      source: `store:${s.db}`,
      skippedBytes: 0,
      events: result.events,
      timeframe,
      gaps: gapsOf(series, timeframe),
      symbols: reportOf(result, series, s.horizons),
    } satisfies RecordingReport
  })

/**
 * Replays a recording file (`bun run record`) with the recording engine's timeframes, so the
 * replay scores what it scored. Streaming: the file is read a chunk at a time as the layers take
 * its events (`openRecording`).
 */
export const replayRecordingFile = (config: VirtuosoConfig, path: string, horizons: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const file = yield* Effect.try({
      // A packed file's blocks come thinned, as a store's do (`replayRecording`).
      try: () => openRecording(path, { coalesced: true }),
      catch: (e) => (e instanceof ReplayInputError ? e : new ReplayInputError({ message: `${path}: ${String(e)}` })),
    })
    const recorded: VirtuosoConfig = { ...config, timeframes: { ...file.header.timeframes } }
    const timeframe = Object.keys(recorded.timeframes)[0] as Timeframe
    const candles = candleCollector(timeframe)
    // Recorded events read: a thinned block's event counts what it stands for.
    let read = 0
    function* events() {
      for (const event of file.events) {
        read += storedCount(event)
        candles.add(event)
        yield event
      }
    }
    const result = yield* driveRecording(recorded, events()).pipe(
      Effect.catchDefect((defect) => (defect instanceof ReplayInputError ? Effect.fail(defect) : Effect.die(defect))),
    )
    if (read === 0) return yield* new ReplayInputError({ message: `${path}: the recording holds no events` })
    const series = candles.series()
    return {
      source: path,
      skippedBytes: file.tail.skippedBytes,
      events: read,
      timeframe,
      gaps: gapsOf(series, timeframe),
      symbols: reportOf(result, series, horizons),
    } satisfies RecordingReport
  })
