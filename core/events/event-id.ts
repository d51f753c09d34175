/**
 * @module Event ids. Ids minted here are ULID-shaped (26 Crockford chars): 10 chars of
 * millisecond time, 8 chars of a per-process tag (40 random bits drawn once), 8 chars of a
 * per-process counter. So within a process ids strictly increase (the store's unique index is
 * appended to, not split in the middle), and an id carrying this process's tag is identified by
 * its counter alone — dedup keeps those in a bitmap instead of a hashed string set. Ids from
 * elsewhere (other processes, the store, older releases) are ordinary strings to everyone.
 */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const CODES = Array.from(CROCKFORD, (c) => c.charCodeAt(0))
const DIGIT = new Int8Array(128).fill(-1)
CODES.forEach((code, i) => (DIGIT[code] = i))

const ID_LENGTH = 26
const TAG_AT = 10
const COUNTER_AT = 18
/** 32^8: the counter's range. */
const COUNTER_SPAN = 2 ** 40

const idCodes = new Array<number>(ID_LENGTH)
let lastTime = -1

const writeTime = (time: number): void => {
  let t = Math.max(0, Math.floor(time))
  for (let i = TAG_AT - 1; i >= 0; i--) {
    idCodes[i] = CODES[t % 32]
    t = Math.floor(t / 32)
  }
}

/**
 * A ULID-shaped id with 80 random bits after the time: for callers that build ids from their own
 * `random` (tests, tools replaying recordings). Built with one `fromCharCode` so the id is a
 * flat string: concatenated (rope) strings made every dedup lookup re-flatten and re-hash.
 */
export const makeEventIdUnsafe = (time: number, random: () => number): string => {
  writeTime(time)
  lastTime = -1
  for (let i = TAG_AT; i < ID_LENGTH; i += 6) {
    let bits = Math.floor(random() * 0x40000000) // 30 random bits → 6 chars
    for (let j = i; j < Math.min(ID_LENGTH, i + 6); j++) {
      idCodes[j] = CODES[bits & 31]
      bits >>>= 5
    }
  }
  return String.fromCharCode.apply(null, idCodes)
}

// The process's id source. Module state on purpose: the counter must be one per process for
// the uniqueness argument to hold, whatever number of buses or layers the process builds.
let tag: ReadonlyArray<number> | undefined
let counter = 0

/**
 * Mints this process's next id. The tag comes from the first caller's `random` (the Effect
 * `Random` service in `makeEvent`), so seeded tests stay reproducible.
 */
export const mintEventId = (time: number, random: () => number): string => {
  if (tag === undefined) {
    const codes: Array<number> = []
    for (let half = 0; half < 2; half++) {
      let bits = Math.floor(random() * 0x100000) // 20 random bits → 4 chars
      for (let j = 0; j < 4; j++) {
        codes.push(CODES[bits & 31])
        bits >>>= 5
      }
    }
    tag = codes
  }
  if (time !== lastTime) {
    writeTime(time)
    lastTime = time
    for (let i = 0; i < 8; i++) idCodes[TAG_AT + i] = tag[i]
  }
  let c = counter
  counter = counter + 1 === COUNTER_SPAN ? 0 : counter + 1
  for (let i = ID_LENGTH - 1; i >= COUNTER_AT; i--) {
    idCodes[i] = CODES[c % 32]
    c = Math.floor(c / 32)
  }
  return String.fromCharCode.apply(null, idCodes)
}

/**
 * The counter of an id this process minted, or -1 for any other id. Two different ids of this
 * process never share a counter (it wraps only after 2^40 ids), so the counter can stand in for
 * the id in a dedup set; a foreign id matches the tag only by a 2^-40 chance.
 */
export const localCounter = (id: string): number => {
  const t = tag
  if (t === undefined || id.length !== ID_LENGTH) return -1
  for (let i = 0; i < 8; i++) if (id.charCodeAt(TAG_AT + i) !== t[i]) return -1
  let c = 0
  for (let i = COUNTER_AT; i < ID_LENGTH; i++) {
    const code = id.charCodeAt(i)
    const d = code < 128 ? DIGIT[code] : -1
    if (d < 0) return -1
    c = c * 32 + d
  }
  return c
}
