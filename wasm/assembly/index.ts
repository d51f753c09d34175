// Entry point of the kernel module: re-exports every kernel family.
export function version(): i32 { return 1 }
