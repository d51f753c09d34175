export { Kernels, getKernels, makeKernels, WASM_PATH, type WasmKernels } from "./kernels.ts"
export type { KernelExports } from "./exports.ts"
export type { Arena } from "./arena.ts"
export { WasmLoadError } from "./errors.ts"
