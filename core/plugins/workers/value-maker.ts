/**
 * @module Building a call's `values` record from the numbers a worker wrote, per value shape
 * (the key list a plugin returns, usually the same every call).
 *
 * Tens of thousands of records per cycle, so each shape gets a function that returns one object
 * literal of those keys: every record of a shape then shares one hidden class and is allocated
 * whole, where copying a template and storing key by key costs several times as much. The keys
 * are the plugin's (untrusted) strings, written into the function only as JSON string literals;
 * a shape with a key the literal form would not make an own property of (`__proto__`) takes
 * the generic path.
 */

export type ValueMaker = (r: Float64Array<ArrayBufferLike>, at: number) => Record<string, number>

const generic =
  (keys: ReadonlyArray<string>): ValueMaker =>
  (r, at) => {
    const v: Record<string, number> = {}
    for (let j = 0; j < keys.length; j++) Object.defineProperty(v, keys[j], { value: r[at + j], ...OWN })
    return v
  }
const OWN = { enumerable: true, writable: true, configurable: true } as const

export const valueMaker = (keys: ReadonlyArray<string>): ValueMaker => {
  if (keys.length === 0 || keys.length > 64 || keys.includes("__proto__")) return generic(keys)
  const fields = keys.map((k, j) => `${JSON.stringify(k)}: r[at + ${j}]`).join(", ")
  return new Function("r", "at", `return { ${fields} }`) as ValueMaker
}
