/**
 * @module Waiting for a condition instead of for time: `eventually` polls a reading until it
 * passes and fails with what it was waiting for (and the last reading) once the deadline is
 * gone. A passing wait returns as soon as its condition holds, so a generous deadline costs
 * nothing when all is well and keeps a loaded machine from failing the test.
 */

export interface EventuallyOptions {
  /** @default 10_000 */
  readonly timeoutMs?: number
  /** Pause between readings. @default 10 */
  readonly intervalMs?: number
}

export const eventually = async <A>(
  what: string,
  read: () => A | Promise<A>,
  ok: (value: A) => boolean,
  { timeoutMs = 10_000, intervalMs = 10 }: EventuallyOptions = {},
): Promise<A> => {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (performance.now() > deadline) {
      const shown = JSON.stringify(value) ?? String(value)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last reading: ${shown.slice(0, 300)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
