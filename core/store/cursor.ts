/** @module Opaque page cursors: the (time, seq) of the last event of a page. */
export interface Cursor {
  readonly time: number
  readonly seq: number
}

export const encodeCursor = (c: Cursor): string => Buffer.from(`${c.time}:${c.seq}`).toString("base64url")

export const decodeCursor = (s: string): Cursor | undefined => {
  const m = /^(-?\d+):(\d+)$/.exec(Buffer.from(s, "base64url").toString())
  return m === null ? undefined : { time: Number(m[1]), seq: Number(m[2]) }
}

/** Total order of stored events across tiers. */
export const compareStored = (a: Cursor, b: Cursor): number => a.time - b.time || a.seq - b.seq
