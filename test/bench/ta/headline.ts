/** @module Prints the headline table of `bench:ta`: speed, ratios and definition flags. */
import { CHECK, rows, type Row } from "./headline-rows.ts"
import { fmt, mcps, N, pad, REPS, timeAll } from "./timing.ts"

const libNames = Object.keys(rows[0]!.libs)
/** "same" within 1e-9 relative, else the relative difference of the last value (what is measured). */
const definition = (row: Row, lib: string): string => {
  const want = row.talib()
  let got: number
  try {
    got = row.last[lib]!()
  } catch (error) {
    return `fails: ${String(error)}`
  }
  const diff = Math.abs(got - want) / Math.max(Math.abs(want), 1e-12)
  return diff <= 1e-9 ? "same" : `differs by ${(diff * 100).toPrecision(2)}%`
}

export const runHeadline = (): void => {
  console.log(
    `six headline indicators — ${N.toLocaleString("en")} candles, median of ${REPS} round-robin runs, ` +
      "million candles/s (higher is better)",
  )
  console.log(
    "  WASM res: outputs resident and reused (not compared); WASM API, TS ref and every library allocate their outputs",
  )
  console.log(
    "  ratios: API/best = WASM API over the fastest library computing the same values as TA-Lib; " +
      "API/TS = WASM API over TS ref",
  )
  const header = ["indicator", "WASM res", "WASM API", "TS ref", ...libNames, "API/best", "API/TS"]
  const widths = header.map((h) => Math.max(h.length, 9))
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(14) : pad(h, widths[i]!))).join(" "))
  const flags: Array<string> = []
  for (const row of rows) {
    const [res, copy, ts, ...libs] = timeAll([
      row.resident,
      row.copyIn,
      row.ts,
      ...libNames.map((name) => row.libs[name]!),
    ]).map((ms) => mcps(ms)) as [number, number, number, ...Array<number>]
    const defs = libNames.map((lib) => definition(row, lib))
    defs.forEach((d, i) => {
      if (d !== "same")
        flags.push(
          `  ${row.name} ${libNames[i]}: ${d} from ` +
            `TA-Lib${row.notes?.[libNames[i]!] ? ` — ${row.notes[libNames[i]!]}` : ""}`,
        )
    })
    const same = libs.filter((x, i) => Number.isFinite(x) && defs[i] === "same")
    const best = same.length > 0 ? Math.max(...same) : Number.NaN
    const cells = [res, copy, ts, ...libs].map((x, i) => `${fmt(x)}${i >= 3 && defs[i - 3] !== "same" ? "*" : ""}`)
    const ratios = [copy / best, copy / ts].map((r) => (Number.isFinite(r) ? `${r.toFixed(1)}×` : "n/a"))
    console.log([row.name.padEnd(14), ...[...cells, ...ratios].map((c, i) => pad(c, widths[i + 1]!))].join(" "))
  }
  console.log(
    `* computes something other than TA-Lib's definition (last value over ${CHECK.toLocaleString("en")} candles), ` +
      `left out of API/best:`,
  )
  for (const line of flags) console.log(line)
}
