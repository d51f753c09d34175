import { describe, expect, test } from "bun:test"
import { Effect, Layer, Logger, References } from "effect"
import { Kernels, getKernels } from "../../../core/wasm/index.ts"

describe("Kernels loader", () => {
  test("instantiates once and shares the instance with the Effect service", async () => {
    const a = getKernels()
    expect(getKernels()).toBe(a)
    const viaService = await Effect.runPromise(
      Effect.gen(function* () {
        return yield* Kernels
      }).pipe(Effect.provide(Kernels.layer)),
    )
    expect(viaService).toBe(a)
  })

  test("the layer logs a debug line when released", async () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ message }) => lines.push(String(message)))
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* Layer.build(Kernels.layer)
        }),
      ).pipe(Effect.provide(Logger.layer([logger])), Effect.provideService(References.MinimumLogLevel, "Debug")),
    )
    expect(lines.some((l) => l.includes("wasm kernels released"))).toBe(true)
  })
})

describe("arena", () => {
  test("alloc/free coalesce and reuse blocks", () => {
    const { arena } = getKernels()
    const used = arena.used()
    const a = arena.alloc(1000)
    const b = arena.alloc(5000)
    expect(a % 16).toBe(0)
    expect(b % 16).toBe(0)
    expect(b).toBeGreaterThanOrEqual(a + 1000)
    arena.free(a)
    arena.free(b)
    expect(arena.used()).toBe(used)
    // Both blocks merged back: a block of their combined size fits where `a` was.
    expect(arena.alloc(6000)).toBe(a)
    arena.free(a)
    expect(() => arena.free(12345)).toThrow(RangeError)
  })

  test("growing memory bumps the generation and the views follow", () => {
    const K = getKernels()
    const gen = K.generation()
    const before = K.memory.buffer.byteLength
    const p = K.arena.alloc(before + 1) // cannot fit: forces growth
    expect(K.memory.buffer.byteLength).toBeGreaterThan(before)
    expect(K.generation()).toBeGreaterThan(gen)
    expect(K.f64().buffer).toBe(K.memory.buffer)
    const v = K.view(p, 4)
    v.set([1, 2, 3, 4])
    expect(K.f64()[(p >> 3) + 3]).toBe(4)
    expect(K.isResident(v)).toBe(true)
    expect(K.isResident(new Float64Array(4))).toBe(false)
    K.arena.free(p)
  })
})
