import { describe, expect, test } from "bun:test"
import { valueMaker } from "../../../core/plugins/workers/value-maker.ts"

describe("valueMaker", () => {
  const r = new Float64Array([9, 1, 2, 3, 4])

  test("builds the record of a shape from the numbers at an offset, keys in order", () => {
    const v = valueMaker(["rsi", "atr", "k"])(r, 1)
    expect(v).toEqual({ rsi: 1, atr: 2, k: 3 })
    expect(Object.keys(v)).toEqual(["rsi", "atr", "k"])
  })

  test("any key a plugin returns is kept as a plain own property, never run as code", () => {
    const keys = ['a"b', "c\\", "}; throw 1; ({", "\u2028", "1", "__proto__"]
    const v = valueMaker(keys)(new Float64Array([1, 2, 3, 4, 5, 6]), 0)
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.entries(v).sort()).toEqual(keys.map((k, j) => [k, j + 1] as [string, number]).sort())
    const w = valueMaker(keys.slice(0, 5))(new Float64Array([1, 2, 3, 4, 5]), 0)
    expect(Object.entries(w).sort()).toEqual(
      keys
        .slice(0, 5)
        .map((k, j) => [k, j + 1] as [string, number])
        .sort(),
    )
  })

  test("each call returns a new object", () => {
    const make = valueMaker(["x"])
    const a = make(r, 0)
    const b = make(r, 0)
    expect(a).not.toBe(b)
    a.x = 5
    expect(b.x).toBe(9)
  })
})
