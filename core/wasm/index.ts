export { Kernels, getKernels, makeKernels, type WasmKernels } from "./kernels.ts"
export type { KernelExports } from "./exports.ts"

export { WasmLoadError } from "./errors.ts"
