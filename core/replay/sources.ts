/**
 * @module Where replayed candles come from: a candle CSV (the `ta` CLI's format, parsed by the
 * same `core/ta/csv.ts`) or the `market.candle.closed` events of one series in the event store.
 * Both yield closed candles, oldest first, one per time, and check the spacing against the
 * timeframe.
 */
import { Effect } from "effect"
import { existsSync, readFileSync, statSync } from "node:fs"
import { payloadFault } from "../events/index.ts"
import { TIMEFRAME_MS, TIMEFRAMES, type Candle, type Timeframe } from "../market-schema/index.ts"
import type { EventStore } from "../store/index.ts"
import { type CandleCsv, CsvParseError, parseCandleCsv } from "../ta/csv.ts"
import { ReplayInputError } from "./errors.ts"

/** Parses candle CSV text; a bad row becomes a ReplayInputError naming the line. */
export const candlesFromCsv = (text: string, name: string): ReadonlyArray<Candle> => {
  let parsed: CandleCsv
  try {
    parsed = parseCandleCsv(text)
  } catch (e) {
    if (e instanceof CsvParseError) throw new ReplayInputError({ message: `${name}: ${e.message}` })
    throw e
  }
  const c = parsed.columns
  const out: Array<Candle> = []
  for (let i = 0; i < parsed.rows; i++) {
    out.push({
      time: c.timestamp![i]!,
      open: c.open![i]!,
      high: c.high![i]!,
      low: c.low![i]!,
      close: c.close![i]!,
      volume: c.volume![i]!,
    })
  }
  if (out.length === 0) throw new ReplayInputError({ message: `${name}: no candles after the header` })
  return out
}

export const readCandleFile = (path: string): ReadonlyArray<Candle> => {
  if (!existsSync(path)) throw new ReplayInputError({ message: `input file not found: ${path}` })
  if (!statSync(path).isFile()) throw new ReplayInputError({ message: `input is not a file: ${path}` })
  return candlesFromCsv(readFileSync(path, "utf8"), path)
}

/** The most common step between candles, as a timeframe (undefined if it is none). */
const inferTimeframe = (candles: ReadonlyArray<Candle>): Timeframe | undefined => {
  const steps = new Map<number, number>()
  for (let i = 1; i < candles.length; i++) {
    const d = candles[i]!.time - candles[i - 1]!.time
    steps.set(d, (steps.get(d) ?? 0) + 1)
  }
  let best: number | undefined
  for (const [d, n] of steps)
    if (best === undefined || n > steps.get(best)! || (n === steps.get(best)! && d < best)) best = d
  return TIMEFRAMES.find((tf) => TIMEFRAME_MS[tf] === best)
}

/**
 * The timeframe to replay: the one given, checked against the data (every step must be a whole
 * number of timeframes; larger steps are gaps), or the one the data's spacing shows.
 */
export const resolveTimeframe = (
  candles: ReadonlyArray<Candle>,
  given: Timeframe | undefined,
  name: string,
): Timeframe => {
  const tf = given ?? inferTimeframe(candles) ?? (candles.length < 2 ? "1m" : undefined)
  if (tf === undefined) {
    throw new ReplayInputError({
      message: `${name}: candle spacing matches no timeframe (${TIMEFRAMES.join(", ")}); pass --timeframe`,
    })
  }
  const step = TIMEFRAME_MS[tf]
  for (let i = 1; i < candles.length; i++) {
    const d = candles[i]!.time - candles[i - 1]!.time
    if (d % step !== 0) {
      throw new ReplayInputError({
        message: `${name}: candles ${i} and ${i + 1} are ${d} ms apart, not a multiple of ${tf} (${step} ms)`,
      })
    }
  }
  return tf
}

export interface StoreRange {
  readonly symbol: string
  readonly timeframe: Timeframe
  /** Candle open times: from inclusive, to exclusive (epoch ms). */
  readonly from: number
  readonly to: number
}

/**
 * The stored closed candles of one series with open time in [from, to). Events are stamped
 * by the publisher's clock, after the candle closed on a real exchange but not necessarily on
 * a simulated one, so the event-time window reaches one hour plus a candle past both ends;
 * candle times decide what is kept. A candle stored twice (a restart, a replayed event) counts
 * once. Only candles that closed while an engine ran are there: backfilled history is not
 * published as events. Each is checked against the catalogue's schema (a malformed one is bad input).
 */
export const candlesFromStore = (store: EventStore["Service"], range: StoreRange) =>
  Effect.gen(function* () {
    const slack = 3_600_000 + TIMEFRAME_MS[range.timeframe]
    const byTime = new Map<number, Candle>()
    let cursor: string | undefined
    do {
      const page = yield* store.query({
        type: "market.candle.closed",
        symbol: range.symbol,
        from: range.from - slack,
        to: range.to + slack,
        order: "asc",
        limit: 1000,
        ...(cursor === undefined ? {} : { cursor }),
      })
      for (const event of page.events) {
        if (event.type !== "market.candle.closed") continue
        // Checked as every recorded input is: a malformed candle is refused, not replayed.
        const fault = payloadFault(event.type, event.payload)
        if (fault !== undefined)
          return yield* new ReplayInputError({
            message: `stored ${event.type} version ${event.version} of ${range.symbol} at seq ${event.seq}: ${fault}`,
          })
        if (event.payload.timeframe !== range.timeframe) continue
        const candle = event.payload.candle
        if (candle.time >= range.from && candle.time < range.to) byTime.set(candle.time, candle)
      }
      cursor = page.nextCursor
    } while (cursor !== undefined)
    return [...byTime.values()].sort((a, b) => a.time - b.time)
  })
