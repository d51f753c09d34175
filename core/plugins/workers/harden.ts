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
 * A few properties stay as they are (`OPEN`): the engine keeps fast paths for array iteration,
 * spread, `map` / `filter` / `slice` and the like only while these keep their original value
 * and attributes, and making them read-only, even unchanged, turns those paths off for all
 * code in the worker (array- and typed-array-heavy code ran 1.3–3 times slower with them frozen).
 * They, the own keys of the objects that hold them (which stay extensible) and the own
 * properties of `globalThis` (which cannot be frozen: the runtime defines some globals lazily)
 * are compared after each plugin's calls instead; a change is undone and reported.
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
    ...TYPED_ARRAYS.map((t) => t.prototype),
    ...errors,
    ...errors.map((e) => e.prototype),
  ]
}

const TYPED_ARRAYS = [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
] as const

/**
 * Left as they are by `freezeIntrinsics` (see the module note), by holder: what array and typed
 * array iteration and the species lookups of `map`, `slice`, `subarray` and the like check.
 */
const open = (): ReadonlyArray<readonly [string, object, ReadonlyArray<PropertyKey>]> => {
  const typedArray = Object.getPrototypeOf(Float64Array) as { prototype: object }
  return [
    ["Array.prototype", Array.prototype, ["length", "constructor", Symbol.iterator]],
    ["Array", Array, [Symbol.species]],
    ["TypedArray", typedArray, [Symbol.species]],
    ["TypedArray.prototype", typedArray.prototype, ["constructor", Symbol.iterator]],
    ...TYPED_ARRAYS.map((t) => [`${t.name}.prototype`, t.prototype, ["constructor"]] as const),
  ]
}

/** Freezes the shared intrinsics; call once, after the host's own modules are imported. */
export const freezeIntrinsics = (): void => {
  const opened = new Map(open().map(([, o, keys]) => [o, new Set(keys)]))
  const all = intrinsics()
  for (const o of all) if (!opened.has(o)) tame(o)
  for (const o of all) {
    const keep = opened.get(o)
    if (keep === undefined) {
      Object.freeze(o)
      continue
    }
    // Every other property read-only; the object stays extensible (an added key is found after the calls).
    for (const key of Reflect.ownKeys(o)) {
      if (keep.has(key)) continue
      const d = Object.getOwnPropertyDescriptor(o, key)!
      Object.defineProperty(o, key, "value" in d ? { writable: false, configurable: false } : { configurable: false })
    }
  }
}

/** Own property descriptors of an object, by key. */
type Descriptors = ReadonlyMap<string | symbol, PropertyDescriptor>

/** The globals, and the own properties of the intrinsics left open, as a plugin must leave them. */
export interface GlobalSnapshot {
  readonly globals: Descriptors
  readonly open: ReadonlyArray<readonly [string, object, Descriptors]>
}

const descriptorsOf = (o: object): Descriptors => {
  const m = new Map<string | symbol, PropertyDescriptor>()
  for (const key of Reflect.ownKeys(o)) m.set(key, Object.getOwnPropertyDescriptor(o, key)!)
  return m
}

export const snapshotGlobals = (): GlobalSnapshot => ({
  globals: descriptorsOf(globalThis),
  open: open().map(([name, o]) => [name, o, descriptorsOf(o)] as const),
})

const same = (a: PropertyDescriptor, b: PropertyDescriptor | undefined) =>
  b !== undefined && Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable

/**
 * The own properties of `o` changed since `before` (added, replaced or deleted), each put back.
 * Written without array iteration or destructuring: a plugin may have replaced the array
 * iterator this is about to put back.
 */
const restore = (o: object, before: Descriptors, name: (key: string | symbol) => string): Array<string> => {
  const changed: Array<string> = []
  const keys = Reflect.ownKeys(o)
  let added = 0
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    const was = before.get(key)
    const now = Object.getOwnPropertyDescriptor(o, key)!
    if (was !== undefined && same(was, now)) continue
    changed.push(name(key))
    if (was === undefined) {
      added++
      Reflect.deleteProperty(o, key)
    } else Reflect.defineProperty(o, key, was)
  }
  if (keys.length - added < before.size) {
    before.forEach((d, key) => {
      if (Object.getOwnPropertyDescriptor(o, key) !== undefined) return
      changed.push(name(key))
      Reflect.defineProperty(o, key, d)
    })
  }
  return changed
}

/**
 * The globals (and open intrinsic properties, as `Array.prototype.constructor`) changed since
 * `snapshot`, each put back as it was; an empty list when nothing changed. Also catches a global
 * a plugin could not put back itself. The intrinsics go first, so the rest runs on sound arrays.
 */
export const restoreGlobals = (snapshot: GlobalSnapshot): ReadonlyArray<string> => {
  const changed: Array<string> = []
  for (let i = 0; i < snapshot.open.length; i++) {
    const entry = snapshot.open[i]
    const holder = entry[0]
    const keys = restore(entry[1], entry[2], (k) => `${holder}${typeof k === "symbol" ? `[${String(k)}]` : `.${k}`}`)
    for (let j = 0; j < keys.length; j++) changed.push(keys[j])
  }
  const globals = restore(globalThis, snapshot.globals, String)
  for (let j = 0; j < globals.length; j++) changed.push(globals[j])
  return changed
}
