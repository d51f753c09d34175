/**
 * @module Keeping one plugin from changing the world the others run in, inside a plugin worker.
 *
 * The shared intrinsics (prototypes of Object, Array, the typed arrays, Math, JSON, ...) are
 * frozen before any plugin module is imported, so a plugin that tries to patch them gets a
 * TypeError (modules are strict), which fails its load or its call. Properties that ordinary code
 * legitimately shadows on its own objects (`toString`, `constructor`, an error's `name` and
 * `message`) become accessors whose setter defines the property on the object itself, so
 * freezing the prototype does not break `this.name = "MyError"`.
 *
 * `globalThis` itself cannot be frozen (the runtime defines some globals lazily), so its own
 * properties are compared after each plugin's calls; a change is undone and reported.
 */

const SHADOWED = ["toString", "constructor", "valueOf", "toLocaleString", "name", "message"]

/** Replaces shadowable data properties of `proto` with accessors that write to the receiver. */
const tame = (proto: object): void => {
  for (const name of SHADOWED) {
    const d = Object.getOwnPropertyDescriptor(proto, name)
    if (d === undefined || !("value" in d) || !d.configurable) continue
    const value: unknown = d.value
    Object.defineProperty(proto, name, {
      configurable: false,
      enumerable: d.enumerable ?? false,
      get: () => value,
      set(this: object, next: unknown) {
        if (this === proto) throw new TypeError(`plugins must not change ${name} of a built-in prototype`)
        Object.defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true })
      },
    })
  }
}

const intrinsics = (): ReadonlyArray<object> => {
  const typedArray = Object.getPrototypeOf(Float64Array) as object
  const iterator = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object
  const errors = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]
  return [
    Object,
    Object.prototype,
    Array,
    Array.prototype,
    Function.prototype,
    Math,
    JSON,
    Reflect,
    Atomics,
    Number,
    Number.prototype,
    String,
    String.prototype,
    Boolean.prototype,
    Symbol,
    Symbol.prototype,
    BigInt.prototype,
    Promise,
    Promise.prototype,
    Map.prototype,
    Set.prototype,
    WeakMap.prototype,
    WeakSet.prototype,
    Date.prototype,
    RegExp.prototype,
    ArrayBuffer.prototype,
    SharedArrayBuffer.prototype,
    DataView.prototype,
    typedArray,
    (typedArray as { prototype: object }).prototype,
    iterator,
    Float64Array,
    Float64Array.prototype,
    Float32Array.prototype,
    Int32Array.prototype,
    Uint32Array.prototype,
    Int16Array.prototype,
    Uint16Array.prototype,
    Int8Array.prototype,
    Uint8Array.prototype,
    Uint8ClampedArray.prototype,
    BigInt64Array.prototype,
    BigUint64Array.prototype,
    ...errors,
    ...errors.map((e) => e.prototype),
  ]
}

/** Freezes the shared intrinsics; call once, after the host's own modules are imported. */
export const freezeIntrinsics = (): void => {
  const all = intrinsics()
  for (const o of all) tame(o)
  for (const o of all) Object.freeze(o)
}

export type GlobalSnapshot = ReadonlyMap<string | symbol, PropertyDescriptor>

export const snapshotGlobals = (): GlobalSnapshot => {
  const m = new Map<string | symbol, PropertyDescriptor>()
  for (const key of Reflect.ownKeys(globalThis)) m.set(key, Object.getOwnPropertyDescriptor(globalThis, key)!)
  return m
}

const same = (a: PropertyDescriptor, b: PropertyDescriptor | undefined) =>
  b !== undefined && Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable

/**
 * The globals changed since `snapshot` (added, replaced or deleted), each put back as it was;
 * an empty list when nothing changed. Also catches a global a plugin could not put back itself.
 */
export const restoreGlobals = (snapshot: GlobalSnapshot): ReadonlyArray<string> => {
  const changed: Array<string> = []
  const keys = Reflect.ownKeys(globalThis)
  let added = 0
  for (const key of keys) {
    const before = snapshot.get(key)
    const now = Object.getOwnPropertyDescriptor(globalThis, key)!
    if (before !== undefined && same(before, now)) continue
    changed.push(String(key))
    if (before === undefined) {
      added++
      Reflect.deleteProperty(globalThis, key)
    } else Reflect.defineProperty(globalThis, key, before)
  }
  if (keys.length - added < snapshot.size) {
    for (const [key, d] of snapshot) {
      if (Object.getOwnPropertyDescriptor(globalThis, key) === undefined) {
        changed.push(String(key))
        Reflect.defineProperty(globalThis, key, d)
      }
    }
  }
  return changed
}
