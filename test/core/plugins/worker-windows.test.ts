/**
 * A plugin worker's copies of the arena's windows, driven here in one thread: the host's arena
 * places each cycle's window, the worker's side brings its copy up to date. A window sliding on
 * keeps its buffer and copies only what the host wrote since, and holds exactly the host's
 * candles — before any after-batch comparison could mend it — through corrections, moves back
 * to the block's start and a rewrite.
 */
import { describe, expect, test } from "bun:test"
import { makeCandleArena, type Placed } from "../../../core/plugins/workers/candle-arena.ts"
import { COLUMNS, type HostMessage } from "../../../core/plugins/workers/protocol.ts"
import { syncArena, windowFor, windowsIntact, beginWindows } from "../../../core/plugins/workers/worker-windows.ts"

type Candles = Record<(typeof COLUMNS)[number], Float64Array>

const DEPTH = 50
const CYCLES = 300
/** One resident memory the windows are views of, as Analysis's are. */
const memory = Object.fromEntries(
  COLUMNS.map((c, k) => [c, new Float64Array(DEPTH + CYCLES).map((_, i) => (c === "time" ? i * 60_000 : i + k))]),
) as Candles
const windowAt = (n: number): Candles =>
  Object.fromEntries(COLUMNS.map((c) => [c, memory[c].subarray(n, n + DEPTH)])) as Candles

const run = (arena: ReturnType<typeof makeCandleArena>, gen: { held: number }) =>
  ({
    type: "run",
    batch: 0,
    ...(gen.held === arena.generation ? {} : { arena: arena.bufferFor(0)! }),
    series: arena.seriesFrom(0),
    contexts: new Int32Array(0),
    shared: [],
    calls: new Int32Array(0),
    inputs: new SharedArrayBuffer(8),
    extra: [],
  }) as Extract<HostMessage, { type: "run" }>

describe("worker window copies", () => {
  test("a sliding window copies only what changed and always holds the host's candles", () => {
    const arena = makeCandleArena(1 << 20)
    const gen = { held: 0 }
    let previous: ArrayBuffer | undefined
    let reused = 0
    for (let n = 0; n < CYCLES; n++) {
      // Every 7th cycle the newest candle the worker holds was corrected (unstamped: compared);
      // at cycle 150 an older candle changes too, so the host rewrites the window whole.
      const corrected = n % 7 === 3
      if (corrected) memory.close[n + DEPTH - 2] += 0.5
      if (n === 150) memory.open[n + 10] = -1
      const p: Placed = arena.place("X", "1m", windowAt(n), corrected || n === 150 ? undefined : n + 1)!
      arena.seal()
      syncArena(run(arena, gen))
      gen.held = arena.generation
      beginWindows()
      const copy = windowFor(p, n + 1)
      for (const c of COLUMNS) expect(Array.from(copy.candles![c])).toEqual(Array.from(windowAt(n)[c]))
      if (copy.buffer === previous) reused++
      previous = copy.buffer
      expect(windowsIntact()).toBe(true)
    }
    // Most cycles kept the buffer (a move back to the block's start keeps it too).
    expect(reused).toBeGreaterThan(CYCLES - 5)
  })
})
