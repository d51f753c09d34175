/** Rendezvous hashing: one owner per symbol, agreed by everyone, balanced, minimal movement. */
import { describe, expect, test } from "bun:test"
import { assign, diffAssignments, ownerOf } from "../../../core/cluster/index.ts"

const symbols = Array.from({ length: 300 }, (_, i) => `S${i}/USDT`)

describe("rendezvous", () => {
  test("every symbol has exactly one owner among the live instances, whatever their order", () => {
    const a = assign(symbols, ["a", "b", "c"])
    const b = assign(symbols, ["c", "a", "b"])
    expect(a.size).toBe(symbols.length)
    expect([...a]).toEqual([...b])
    for (const owner of a.values()) expect(["a", "b", "c"]).toContain(owner)
    expect(ownerOf("BTC/USDT", [])).toBeUndefined()
  })

  test("the split is roughly even", () => {
    const counts = new Map<string, number>()
    for (const owner of assign(symbols, ["a", "b", "c"]).values()) counts.set(owner, (counts.get(owner) ?? 0) + 1)
    for (const id of ["a", "b", "c"]) expect(counts.get(id)!).toBeGreaterThan(70)
  })

  test("when an instance dies only its symbols move; when it rejoins only they move back", () => {
    const three = assign(symbols, ["a", "b", "c"])
    const two = assign(symbols, ["a", "c"])
    const moved = diffAssignments(three, two)
    expect(moved.length).toBe([...three.values()].filter((o) => o === "b").length)
    expect(moved.every((m) => m.from === "b" && (m.to === "a" || m.to === "c"))).toBe(true)
    const back = diffAssignments(two, assign(symbols, ["a", "b", "c"]))
    expect(back.every((m) => m.to === "b")).toBe(true)
    expect(back.length).toBe(moved.length)
  })
})
