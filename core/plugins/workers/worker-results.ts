/**
 * @module A plugin worker's side of the results: per call, status, score, time and values go into
 * a block of shared memory the host reads after the batch (RESULT_FLOATS slots per call, then
 * the values). Value keys are sent once per shape (a plugin usually returns the same keys every
 * call); reasons, errors and values that are not all numbers travel in the `done` message.
 * Declared input values are read the other way: from the host's block, at each call's offset.
 */
import type { InputValues } from "../sdk.ts"
import { CALL_FAILED, CALL_OK, RESULT_FLOATS, type WorkerMessage } from "./protocol.ts"

type Done = Extract<WorkerMessage, { type: "done" }>

let block = new Float64Array(new SharedArrayBuffer(8 * 65536))
/** Set when `block` is new since the last batch: the host must be sent it. */
let fresh = true
let cursor = 0
const shapeIds = new Map<string, number>()
const shapeKeys: Array<ReadonlyArray<string>> = []

export interface Batch {
  readonly n: number
  readonly shapes: Array<readonly [number, ReadonlyArray<string>]>
  readonly notes: Array<readonly [number, string]>
  readonly details: Array<readonly [number, Readonly<Record<string, unknown>>]>
}

const grow = (need: number) => {
  if (need <= block.length) return
  const next = new Float64Array(new SharedArrayBuffer(8 * Math.max(need, 2 * block.length)))
  next.set(block.subarray(0, cursor))
  block = next
  fresh = true
}

export const beginResults = (n: number): Batch => {
  cursor = RESULT_FLOATS * n
  grow(cursor + 8 * n)
  block.fill(0, 0, cursor)
  return { n, shapes: [], notes: [], details: [] }
}

export const failed = (b: Batch, i: number, note: string, micros = 0): void => {
  const o = i * RESULT_FLOATS
  block[o] = CALL_FAILED
  block[o + 1] = Number.NaN
  block[o + 2] = micros
  block[o + 3] = -1
  b.notes.push([i, note])
}

/** By plugin: the keys of its last values and their shape id, so a repeat shape costs no lookup. */
const lastKeys: Array<{ readonly keys: ReadonlyArray<string>; readonly id: number } | undefined> = []
let pendingShapes: Array<readonly [number, ReadonlyArray<string>]> = []

/** The shape id of `values`' keys (a new shape is sent to the host with the batch). */
const shapeOf = (plugin: number, values: Record<string, unknown>): number => {
  const keys = Object.keys(values)
  const key = keys.join("\u0000")
  let id = shapeIds.get(key)
  if (id === undefined) {
    shapeIds.set(key, (id = shapeKeys.length))
    shapeKeys.push(keys)
    pendingShapes.push([id, keys])
  }
  lastKeys[plugin] = { keys, id }
  return id
}

export const succeeded = (
  b: Batch,
  i: number,
  plugin: number,
  score: number | null,
  micros: number,
  values: Record<string, unknown> | undefined,
  reason: unknown,
): void => {
  const o = i * RESULT_FLOATS
  block[o] = CALL_OK
  block[o + 1] = score === null ? Number.NaN : score
  block[o + 2] = micros
  block[o + 3] = -1
  if (typeof reason === "string") b.notes.push([i, reason])
  if (values === undefined) return
  // One pass over the values: each written behind the block's cursor while its key is compared
  // with the plugin's last shape; a value that is not a number undoes the writes.
  const last = lastKeys[plugin]
  const keys = last?.keys
  let same = keys !== undefined
  const start = cursor
  let n = 0
  for (const k in values) {
    const v = values[k]
    if (typeof v !== "number") {
      cursor = start
      // Copied: a plugin may return an object it keeps and changes later.
      b.details.push([i, { ...values }])
      return
    }
    if (same && keys![n] !== k) same = false
    if (start + n >= block.length) {
      cursor = start + n
      grow(cursor + 64)
    }
    block[start + n++] = v
  }
  cursor = start + n
  block[o + 3] = same && n === keys!.length ? last!.id : shapeOf(plugin, values)
  block[o + 4] = start
}

/** The `done` message of a batch (the block itself only when the host has not seen it). */
export const finish = (b: Batch, batch: number, replace: string | null): Done => {
  const shapes = pendingShapes
  pendingShapes = []
  const out: Done = {
    type: "done",
    batch,
    shapes,
    notes: b.notes,
    details: b.details,
    ...(fresh ? { results: block.buffer as SharedArrayBuffer } : {}),
    ...(replace === null ? {} : { replace }),
  }
  fresh = false
  return out
}

const NO_HISTORY: InputValues["history"] = Object.freeze({})

/** By plugin index and series id: the values object its calls on that series get, refreshed per call. */
const kept: Array<Array<InputValues | undefined>> = []

/**
 * A call's declared input values from the host's block (layout: the plugin's `inputs` list). As
 * in the host, one object per plugin and series, refreshed in place before each call (no
 * allocation per call; a history array is replaced only when its length changes): a plugin
 * reads them during `compute` and copies what it keeps, and an edit reaches only its own.
 */
export const inputsAt = (
  plugin: number,
  series: number,
  layout: ReadonlyArray<readonly [string, number]>,
  f: Float64Array,
  offset: number,
): InputValues => {
  const bySeries = (kept[plugin] ??= [])
  let v = bySeries[series]
  if (v === undefined) {
    const inputs: Record<string, number> = {}
    for (let j = 0; j < layout.length; j++) inputs[layout[j][0]] = Number.NaN
    let history = NO_HISTORY
    for (let j = 0; j < layout.length; j++) {
      if (layout[j][1] === 0) continue
      if (history === NO_HISTORY) history = {}
      ;(history as Record<string, Float64Array>)[layout[j][0]] = new Float64Array(0)
    }
    bySeries[series] = v = { inputs, history }
  }
  const inputs = v.inputs as Record<string, number>
  let o = offset
  for (let j = 0; j < layout.length; j++) inputs[layout[j][0]] = f[o++]
  const history = v.history as Record<string, Float64Array>
  for (let j = 0; j < layout.length; j++) {
    const [name, h] = layout[j]
    if (h === 0) continue
    const count = f[o]
    const now = history[name]
    if (now.length === count) for (let k = 0; k < count; k++) now[k] = f[o + 1 + k]
    else history[name] = f.slice(o + 1, o + 1 + count)
    o += 1 + h
  }
  return v
}
