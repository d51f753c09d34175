/**
 * @module The WASM kernel module, instantiated once per process, with the arena that owns its
 * linear memory. `Kernels` is the Effect service; `getKernels()` is the same instance for
 * synchronous callers (plugins, the `ta` CLI, `core/ta`'s one-off functions).
 */
import { Context, Effect, Layer } from "effect"
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { makeArena, type Arena } from "./arena.ts"
import { WasmLoadError } from "./errors.ts"
import type { KernelExports } from "./exports.ts"

const ROOT = join(import.meta.dir, "..", "..", "wasm")
const WASM_PATH = join(ROOT, "build", "virtuoso.wasm")
/** Upper bound for linear memory (bytes); resident engines bound their own share by config. */
const MAX_BYTES = 2 * 1024 * 1024 * 1024
/** f64 slots in the shared state block used by one-off kernel calls. */
const STATE_SLOTS = 64

export interface WasmKernels {
  /** Raw exports: pointer-based kernels (see wasm/assembly/*.ts for the calling convention). */
  readonly exports: KernelExports
  readonly memory: WebAssembly.Memory
  readonly arena: Arena
  /** Incremented whenever linear memory grows: views created before are detached. */
  readonly generation: () => number
  /** A Float64Array over the whole current memory (re-created after growth). */
  readonly f64: () => Float64Array
  /** A fresh Float64Array view of `length` f64s at byte pointer `ptr`. */
  readonly view: (ptr: number, length: number) => Float64Array
  /** True when `a` is a view into the current kernel memory (its pointer can be passed as is). */
  readonly isResident: (a: Float64Array) => boolean
  /**
   * A reusable scratch block of at least `bytes` bytes, valid until the next `scratch` call.
   * May grow memory: take pointers of resident inputs before calling it.
   */
  readonly scratch: (bytes: number) => number
  /** A small state block for one-off (non-resident) kernel calls. */
  readonly statePtr: number
}

const newestSource = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, e) => {
    const p = join(dir, e.name)
    return Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs)
  }, 0)

/** Rebuilds the module when it is missing or older than its sources (e.g. `bun test` run directly). */
const ensureBuilt = (): void => {
  const sources = join(ROOT, "assembly")
  const stale = !existsSync(WASM_PATH) || (existsSync(sources) && statSync(WASM_PATH).mtimeMs < newestSource(sources))
  if (!stale) return
  const r = Bun.spawnSync([process.execPath, join(ROOT, "build.ts"), "--if-stale"], { stderr: "pipe", stdout: "pipe" })
  if (r.exitCode !== 0) throw new Error(`wasm build failed: ${r.stderr.toString().trim()}`)
}

let compiled: WebAssembly.Module | undefined

const instantiate = (): WasmKernels => {
  ensureBuilt()
  const module = (compiled ??= new WebAssembly.Module(readFileSync(WASM_PATH)))
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error("wasm abort")
      },
    },
  })
  // WebAssembly types exports as a generic record; KernelExports is this module's ABI, built with it.
  const exports = instance.exports as unknown as KernelExports & { _initialize?: () => void }
  exports._initialize?.()
  const memory = exports.memory
  let generation = 0
  let f64 = new Float64Array(memory.buffer)
  const arena = makeArena(memory, exports.heapBase(), MAX_BYTES, () => {
    generation++
    f64 = new Float64Array(memory.buffer)
  })
  let scratchPtr = 0
  let scratchSize = 0
  const statePtr = arena.alloc(STATE_SLOTS * 8)
  return {
    exports,
    memory,
    arena,
    generation: () => generation,
    f64: () => f64,
    view: (ptr, length) => new Float64Array(memory.buffer, ptr, length),
    isResident: (a) => a.buffer === memory.buffer,
    scratch: (bytes) => {
      if (bytes > scratchSize) {
        arena.free(scratchPtr)
        scratchPtr = 0
        scratchSize = Math.max(bytes, scratchSize * 2, 1 << 16)
        scratchPtr = arena.alloc(scratchSize)
      }
      return scratchPtr
    },
    statePtr,
  }
}

let shared: WasmKernels | undefined

/**
 * The process-wide kernel instance, instantiated on first use. The module is stateless apart from
 * the arena, so sharing one instance between the Effect service and synchronous callers is safe.
 */
export const getKernels = (): WasmKernels => (shared ??= instantiate())

/**
 * A separate instance with its own linear memory (same compiled module). For a resident engine
 * that allocates while other code holds views of the shared instance: growing this memory never
 * detaches those views (the plugin host's declared inputs use one while Analysis holds the
 * resident candle views of a whole cycle).
 */
export const makeKernels = (): WasmKernels => instantiate()

/** Effect service over the same instance; its release only logs (the instance outlives the scope). */
export class Kernels extends Context.Service<Kernels, WasmKernels>()("virtuoso/wasm/Kernels") {
  static readonly layer = Layer.effect(
    Kernels,
    Effect.acquireRelease(
      Effect.try({
        try: () => getKernels(),
        catch: (e) => new WasmLoadError({ path: WASM_PATH, reason: e instanceof Error ? e.message : String(e) }),
      }),
      () => Effect.logDebug("wasm kernels released"),
    ),
  )
}
