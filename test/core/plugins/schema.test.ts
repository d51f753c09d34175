import { describe, expect, test } from "bun:test"
import { resolveParams, validatePlugin } from "../../../core/plugins/index.ts"

const valid = {
  apiVersion: 1,
  kind: "indicator",
  name: "x-1",
  component: "volume",
  lookback: 3,
  compute: () => ({ score: 50 }),
}

describe("validatePlugin", () => {
  test("accepts the contract and keeps extra fields and methods' this", () => {
    const v = validatePlugin({ ...valid, extra: true }, "f.ts")
    expect(v.ok).toBe(true)
    if (v.ok) expect(v.value.kind).toBe("indicator")
  })

  test("apiVersion first, with the accepted versions", () => {
    const v = validatePlugin({ kind: "nonsense" }, "f.ts")
    expect(v).toMatchObject({ ok: false, name: undefined })
    if (!v.ok)
      expect(v.message).toStartWith("f.ts: apiVersion undefined is not supported; this host accepts apiVersion 1 (")
  })

  test("kind, name, weight, needs, params declarations are each named in the message", () => {
    const msg = (p: unknown) => {
      const v = validatePlugin(p, "f.ts")
      return v.ok ? "" : v.message
    }
    expect(msg({ ...valid, kind: "strategy" })).toBe(
      'f.ts (plugin "x-1"): field "kind" must be "indicator" or "exchange", got "strategy"',
    )
    expect(msg({ ...valid, name: "Not Kebab" })).toContain('field "name" must be kebab-case')
    expect(msg({ ...valid, weight: -1 })).toContain('field "weight"')
    expect(msg({ ...valid, needs: ["telepathy"] })).toContain('field "needs.0" must be one of orderbook, trades')
    expect(msg({ ...valid, params: { p: { type: "number", default: "3", description: "d" } } })).toContain(
      'field "params.p.default" default must be a number, got string',
    )
    expect(msg({ apiVersion: 1, kind: "exchange", name: "ex" })).toBe(
      'f.ts (plugin "ex"): field "create" create must be a function',
    )
    expect(msg(null)).toBe("f.ts: the default export must be a plugin object, got null")
  })
})

describe("resolveParams", () => {
  const specs = {
    period: { type: "number" as const, default: 14, description: "p", min: 2, max: 50 },
    mode: { type: "string" as const, default: "fast", description: "m" },
  }
  test("defaults merged with config", () => {
    expect(resolveParams(specs, { period: 20 })).toEqual({ ok: true, params: { period: 20, mode: "fast" } })
    expect(resolveParams(undefined, undefined)).toEqual({ ok: true, params: {} })
  })
  test("unknown, mistyped and out-of-range values name the parameter", () => {
    expect(resolveParams(specs, { perod: 3 })).toEqual({
      ok: false,
      message: 'param "perod" is not declared (declared: period, mode)',
    })
    expect(resolveParams(specs, { mode: 3 })).toEqual({ ok: false, message: 'param "mode" must be a string, got 3' })
    expect(resolveParams(specs, { period: 1 })).toEqual({ ok: false, message: 'param "period" must be >= 2, got 1' })
    expect(resolveParams(specs, { period: Number.NaN })).toEqual({
      ok: false,
      message: 'param "period" must be finite, got NaN',
    })
  })
})
