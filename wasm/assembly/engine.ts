// Resident-engine driver: ONE call computes the configured indicator plan for every series.
//
// Series headers (16 × i32 each, written by the host in core/ta/engine):
//   [0] block pointer (0 = free slot)  [1] window start  [2] window length  [3] computed length
//   [4] flags: 1 = last computed candle was replaced, 2 = "before-last" state snapshot valid
//   [5] state pointer S (the snapshot P follows at S + stateBytes)
//   [6] output block pointer  [7] latest-values pointer (one f64 per output)
//   [8] pending-rows pointer (0 = no output history)  [9] pending rows  [10] first pending bar
// With output history, a one- or two-candle step writes its outputs into the shared scratch block
// and appends them as rows to the series' pending ring (one or two cache lines) instead of into
// 37-odd history columns in as many pages; the ring is written back into the columns every
// PENDING steps, before a longer compute, or when the host asks for a view (engineFlush). That
// turns the per-candle page/TLB misses of the history columns into one miss per column per
// PENDING candles.
// A block holds columns of `colLen` f64 each (the window's capacity plus slack, chosen by the host
// in core/ta/engine/block-layout.ts): time, open, high, low, close, volume, then the plan's
// scratch columns; output columns live in the output block (per series, or one block shared by
// all series when the host keeps latest values only). The window is [start, start + length) in
// every column of both blocks.
//
// Plan entries (16 × f64): [0] kernel id, [1..4] input columns (column ≥ 1000 = output column
// c − 1000 of the output block), [5..7] output columns,
// [8..9] scratch columns (-1 = none), [10..12] parameters, [13] state offset in bytes,
// [14] lookback (a kernel may resume at `from` only when from > lookback).
//
// Per series: restore the snapshot if the last candle was replaced, then run every kernel over
// [computed, length - 1), snapshot the state, and run [length - 1, length). So a replaced last
// candle costs one step, never a recompute. A series whose computed prefix is within the warm-up
// is computed from scratch (from = 0).
import { setOutBlock, runPlan, runPlanPair, J_BLOCK, J_START, J_STATE } from "./engine-dispatch"

const H_BLOCK = 0
const H_START = 1
const H_LEN = 2
const H_DONE = 3
const H_FLAGS = 4
const H_STATE = 5
const H_OUT = 6
const H_LATEST = 7
const H_ROWS = 8
const H_PENDING = 9
const H_PFIRST = 10
/** Rows a series' pending ring holds (the host sizes the ring from `enginePendingRows`). */
const PENDING: i32 = 64

export function enginePendingRows(): i32 {
  return PENDING
}
const F_REPLACED = 1
const F_PREV = 2

/** Writes a series' pending rows back into its output history columns. */
function flushRows(h: usize, colBytes: usize, nOut: i32): void {
  const pending = load<i32>(h, H_PENDING << 2)
  if (pending == 0) return
  const rows = <usize>load<i32>(h, H_ROWS << 2)
  const out = <usize>load<i32>(h, H_OUT << 2)
  const start = load<i32>(h, H_START << 2)
  const len = load<i32>(h, H_LEN << 2)
  const first = load<i32>(h, H_PFIRST << 2)
  for (let r = 0; r < pending; r++) {
    const idx = first + r
    if (idx < 0 || idx >= len) continue // slid out of the window (or reset)
    const row = rows + <usize>(r * nOut) * 8
    const at = out + (<usize>(start + idx) << 3)
    for (let o = 0; o < nOut; o++) store<f64>(at + <usize>o * colBytes, load<f64>(row + (<usize>o << 3)))
  }
  store<i32>(h, 0, H_PENDING << 2)
}

/** Host entry: flush one series (header at `h`) before handing out views of its outputs. */
export function engineFlush(h: usize, colLen: i32, nOut: i32): void {
  flushRows(h, <usize>colLen << 3, nOut)
}

// Touch target for the look-ahead loads below (a memory store cannot be optimised away).
const SINK = memory.data(16, 16)

/**
 * Incremental steps are memory-latency bound: each series' newest bars sit in its own pages.
 * Before stepping one series, load one f64 from the newest cache lines of the next one (every
 * column, its state and, with history, its outputs); the misses then overlap instead of
 * arriving one by one inside the kernels.
 */
function lookAhead(h: usize, colBytes: usize, nCols: i32, stateBytes: i32): void {
  const block = <usize>load<i32>(h, H_BLOCK << 2)
  if (block == 0) return
  const len = load<i32>(h, H_LEN << 2)
  if (len - load<i32>(h, H_DONE << 2) != 1 || len < 16) return
  const off = <usize>(load<i32>(h, H_START << 2) + len - 1) << 3
  let acc = 0.0
  for (let c = 0; c < nCols; c++) {
    const p = block + <usize>c * colBytes + off
    acc += load<f64>(p) + load<f64>(p - 64)
  }
  const rows = <usize>load<i32>(h, H_ROWS << 2)
  if (rows != 0) acc += load<f64>(rows + <usize>(load<i32>(h, H_PENDING << 2) << 3))
  const st = <usize>load<i32>(h, H_STATE << 2)
  for (let b = 0; b < stateBytes * 2; b += 64) acc += load<f64>(st + <usize>b)
  store<f64>(SINK, acc)
}

// Per-series job of one engineCompute pass (i32 fields in static memory: no allocation).
const J_H = 0, J_LEN = 12, J_FROM = 16, J_FLAGS = 20
const J_ROWS = 28, J_DEFERRED = 32, J_TWO = 36, J_TARGET = 40
const JOBS = memory.data(128, 16)

/**
 * Reads series `h` into job `j`: the replaced-candle rewind, the warm-up restart rule and the
 * history flush. Returns false when the series has nothing to compute. Re-running it on the same
 * series is harmless (the snapshot restore and the flush are idempotent; the header's done and
 * flags are written only by `finish`).
 */
function prepare(h: usize, j: usize, colBytes: usize, stateBytes: i32, maxLookback: i32, nOut: i32): bool {
  const block = <usize>load<i32>(h, H_BLOCK << 2)
  if (block == 0) return false
  const len = load<i32>(h, H_LEN << 2)
  let done = load<i32>(h, H_DONE << 2)
  let flags = load<i32>(h, H_FLAGS << 2)
  const s = <usize>load<i32>(h, H_STATE << 2)
  if (flags & F_REPLACED) {
    if (flags & F_PREV && done - 1 > maxLookback) {
      memory.copy(s, s + <usize>stateBytes, <usize>stateBytes)
      done--
    } else done = 0
    flags &= ~F_REPLACED
  }
  if (done >= len) {
    store<i32>(h, flags, H_FLAGS << 2)
    return false
  }
  if (done <= maxLookback) done = 0
  const rows = <usize>load<i32>(h, H_ROWS << 2)
  const deferred = rows != 0 && done > 0 && len - done <= 2
  if (rows != 0 && !deferred) {
    if (done == 0) store<i32>(h, 0, H_PENDING << 2) // a full recompute rewrites every row
    else flushRows(h, colBytes, nOut)
  }
  store<i32>(j, <i32>h, J_H)
  store<i32>(j, <i32>block, J_BLOCK)
  store<i32>(j, load<i32>(h, H_START << 2), J_START)
  store<i32>(j, len, J_LEN)
  store<i32>(j, done, J_FROM)
  store<i32>(j, flags, J_FLAGS)
  store<i32>(j, <i32>s, J_STATE)
  store<i32>(j, <i32>rows, J_ROWS)
  store<i32>(j, deferred ? 1 : 0, J_DEFERRED)
  store<i32>(j, len - 1 > maxLookback ? 1 : 0, J_TWO)
  return true
}

/** Writes back a computed job: done/flags, deferred output rows, latest values. */
function finish(j: usize, colBytes: usize, nOut: i32): void {
  const h = <usize>load<i32>(j, J_H)
  const start = load<i32>(j, J_START)
  const len = load<i32>(j, J_LEN)
  const target = <usize>load<i32>(j, J_TARGET)
  let flags = load<i32>(j, J_FLAGS)
  flags = load<i32>(j, J_TWO) ? flags | F_PREV : flags & ~F_PREV
  if (load<i32>(j, J_DEFERRED)) {
    const rows = <usize>load<i32>(j, J_ROWS)
    let pending = load<i32>(h, H_PENDING << 2)
    let first = load<i32>(h, H_PFIRST << 2)
    for (let b = load<i32>(j, J_FROM); b < len; b++) {
      if (pending == 0) first = b
      const slot = b - first
      const row = rows + <usize>(slot * nOut) * 8
      const at = target + (<usize>(start + b) << 3)
      for (let o = 0; o < nOut; o++) store<f64>(row + (<usize>o << 3), load<f64>(at + <usize>o * colBytes))
      if (slot + 1 > pending) pending = slot + 1
    }
    store<i32>(h, pending, H_PENDING << 2)
    store<i32>(h, first, H_PFIRST << 2)
    if (pending + 2 > PENDING) flushRows(h, colBytes, nOut)
  }
  store<i32>(h, len, H_DONE << 2)
  store<i32>(h, flags, H_FLAGS << 2)
  const latest = <usize>load<i32>(h, H_LATEST << 2)
  const last = target + (<usize>(start + len - 1) << 3)
  for (let o = 0; o < nOut; o++) store<f64>(latest + (<usize>o << 3), load<f64>(last + <usize>o * colBytes))
}

/**
 * Computes every dirty series; returns how many were updated. Neighbouring series at the same bar
 * range (the batch case: all full windows; the per-candle step: one new candle each) run as a
 * pair, two series per lane in the kernels of pairs.ts. `scratchOut`/`scratchOut2` are shared
 * output blocks (latest-only mode, deferred steps) — two, so a pair never writes the same slots.
 */
export function engineCompute(
  headers: usize, nSlots: i32, plan: usize, nPlan: i32, colLen: i32, stateBytes: i32, maxLookback: i32,
  nOut: i32, nCols: i32,
  scratchOut: usize, scratchOut2: usize,
): i32 {
  const colBytes = <usize>colLen << 3
  const ja = JOBS
  const jb = JOBS + 64
  let updated = 0
  let sl = 0
  let ahead = 0 // series [0, ahead) have had their look-ahead loads
  while (sl < nSlots) {
    const h = headers + (<usize>sl << 6)
    // Keep the look-ahead two series (one pair) in front of the series being computed.
    for (const end = min(nSlots, sl + 4); ahead < end; ahead++) {
      if (ahead >= sl + 2) lookAhead(headers + (<usize>ahead << 6), colBytes, nCols, stateBytes)
    }
    if (!prepare(h, ja, colBytes, stateBytes, maxLookback, nOut)) {
      sl++
      continue
    }
    const from = load<i32>(ja, J_FROM)
    const len = load<i32>(ja, J_LEN)
    const two = load<i32>(ja, J_TWO)
    const outA = <usize>load<i32>(h, H_OUT << 2)
    const targetA = load<i32>(ja, J_DEFERRED) ? scratchOut : outA
    store<i32>(ja, <i32>targetA, J_TARGET)
    const hb = h + 64
    const paired = sl + 1 < nSlots && prepare(hb, jb, colBytes, stateBytes, maxLookback, nOut) &&
      load<i32>(jb, J_FROM) == from && load<i32>(jb, J_LEN) == len && load<i32>(jb, J_TWO) == two
    const sA = <usize>load<i32>(ja, J_STATE)
    if (paired) {
      const outB = <usize>load<i32>(hb, H_OUT << 2)
      const targetB = load<i32>(jb, J_DEFERRED) || outB == scratchOut ? scratchOut2 : outB
      store<i32>(jb, <i32>targetB, J_TARGET)
      const sB = <usize>load<i32>(jb, J_STATE)
      if (two) {
        runPlanPair(plan, nPlan, colBytes, ja, targetA, jb, targetB, from, len - 1)
        memory.copy(sA + <usize>stateBytes, sA, <usize>stateBytes)
        memory.copy(sB + <usize>stateBytes, sB, <usize>stateBytes)
        runPlanPair(plan, nPlan, colBytes, ja, targetA, jb, targetB, len - 1, len)
      } else runPlanPair(plan, nPlan, colBytes, ja, targetA, jb, targetB, from, len)
      finish(ja, colBytes, nOut)
      finish(jb, colBytes, nOut)
      updated += 2
      sl += 2
      continue
    }
    const block = <usize>load<i32>(ja, J_BLOCK)
    const start = load<i32>(ja, J_START)
    setOutBlock(targetA)
    if (two) {
      runPlan(plan, nPlan, block, colBytes, start, from, len - 1, sA)
      memory.copy(sA + <usize>stateBytes, sA, <usize>stateBytes)
      runPlan(plan, nPlan, block, colBytes, start, len - 1, len, sA)
    } else runPlan(plan, nPlan, block, colBytes, start, from, len, sA)
    finish(ja, colBytes, nOut)
    updated++
    sl++
  }
  return updated
}
